package booking

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/slotbox/slotbox/abi"
	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
)

// BenchmarkBookingFlow creates bookings with four apps (calendar, video,
// CRM, automation) in process and waits for all their hooks: the cost of
// the orchestration and the app calls without HTTP in front.
func BenchmarkBookingFlow(b *testing.B) {
	e := newEnv(b, func(o *envOpts) {
		o.http = func(c hhttp.Config) hhttp.Config { return c.WithRateLimit(rate.Inf, 1) }
	})
	for _, a := range []struct{ slug, category string }{
		{"peer-cal", "calendar"}, {"peer-video", "conferencing"}, {"peer-crm", "crm"}, {"peer-auto", "automation"},
	} {
		e.enable("et", e.install(a.slug, a.category, nil), `{}`)
	}
	e.peer.contacts["peer-crm"] = map[string]bool{"ada@example.com": true}
	for _, conc := range []int{1, 16} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) { benchmarkFlow(b, e, conc) })
	}
}

// benchUID numbers the bookings of every run.
var benchUID atomic.Int64

func benchmarkFlow(b *testing.B, e *env, conc int) {
	var wg sync.WaitGroup
	next := make(chan int)
	b.ResetTimer()
	for range conc {
		wg.Go(func() {
			for range next {
				v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event(fmt.Sprintf("bench-%d", benchUID.Add(1)),
					time.Now().Add(time.Hour), func(ev *abi.CalendarEvent) { ev.Location = "integrations:peer-video" })})
				if err != nil {
					b.Error(err)
					return
				}
				e.settle(v.Booking.ID)
			}
		})
	}
	for i := range b.N {
		next <- i
	}
	close(next)
	wg.Wait()
}
