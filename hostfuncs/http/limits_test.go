package http

import (
	"context"
	"errors"
	nethttp "net/http"
	"strings"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"golang.org/x/time/rate"
)

// blockingServer blocks each request until release is closed; entered gets
// a value as each request arrives.
func blockingServer(t *testing.T) (srv *testServer, entered chan struct{}, release chan struct{}) {
	entered, release = make(chan struct{}, 16), make(chan struct{})
	srv = newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		entered <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	return srv, entered, release
}

func TestTimeouts(t *testing.T) {
	srv, _, _ := blockingServer(t)
	c := newClient(t, loopbackConfig(srv).WithTimeouts(time.Minute, time.Minute))
	g := grant(t, "http://"+srv.hostPort("127.0.0.1"))
	tests := []struct {
		name      string
		ctx       func() (context.Context, context.CancelFunc)
		timeoutMS int
	}{
		{"ctx deadline below guest timeout", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 30*time.Millisecond)
		}, 60_000},
		{"guest timeout", func() (context.Context, context.CancelFunc) { return context.Background(), func() {} }, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			_, err := c.Do(ctx, g, Request{URL: srv.URL, TimeoutMS: tt.timeoutMS})
			var ae *abi.Error
			if !errors.As(err, &ae) || ae.Code != abi.CodeTimeout || !ae.Retryable {
				t.Fatalf("got %v, want retryable TIMEOUT", err)
			}
		})
	}
	capped := newClient(t, loopbackConfig(srv).WithTimeouts(time.Minute, 30*time.Millisecond))
	if _, err := capped.Do(context.Background(), g, Request{URL: srv.URL, TimeoutMS: 3_600_000}); errCode(err) != abi.CodeTimeout {
		t.Fatalf("operator max: got %v, want TIMEOUT", err)
	}
}

func TestEffectiveTimeout(t *testing.T) {
	cfg := NewConfig().WithTimeouts(2*time.Second, 5*time.Second)
	for ms, want := range map[int]time.Duration{0: 2 * time.Second, 100: 100 * time.Millisecond, 4000: 4 * time.Second, 9000: 5 * time.Second, 1 << 62: 5 * time.Second} {
		if got := cfg.effectiveTimeout(ms); got != want {
			t.Errorf("effectiveTimeout(%d) = %s, want %s", ms, got, want)
		}
	}
}

func TestRateLimit(t *testing.T) {
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	clock := newFakeClock()
	// Zero refill: two requests in all, per installation.
	c := newClient(t, loopbackConfig(srv).WithRateLimit(0, 2).WithClock(clock.now))
	g := grant(t, "http://"+srv.hostPort("127.0.0.1"))
	for i := range 2 {
		if _, err := c.Do(context.Background(), g, Request{URL: srv.URL}); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	_, err := c.Do(context.Background(), g, Request{URL: srv.URL})
	var ae *abi.Error
	if !errors.As(err, &ae) || ae.Code != abi.CodeRateLimited || !ae.Retryable || strings.Contains(ae.Message, "retry after") {
		t.Fatalf("got %#v, want retryable RATE_LIMITED without hint", err)
	}
	other := g
	other.Installation = "inst-2"
	if _, err := c.Do(context.Background(), other, Request{URL: srv.URL}); err != nil {
		t.Fatalf("another installation was limited: %v", err)
	}
	if n := srv.hits.Load(); n != 3 {
		t.Fatalf("server saw %d requests, want 3", n)
	}

	// One a second: the hint says when the next token arrives.
	c = newClient(t, loopbackConfig(srv).WithRateLimit(1, 1).WithClock(clock.now))
	if _, err := c.Do(context.Background(), g, Request{URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	clock.advance(250 * time.Millisecond)
	_, err = c.Do(context.Background(), g, Request{URL: srv.URL})
	if !errors.As(err, &ae) || ae.Code != abi.CodeRateLimited || !strings.HasSuffix(ae.Message, "retry after 750ms") {
		t.Fatalf("got %v, want RATE_LIMITED retry after 750ms", err)
	}
	clock.advance(750 * time.Millisecond)
	if _, err := c.Do(context.Background(), g, Request{URL: srv.URL}); err != nil {
		t.Fatalf("after refill: %v", err)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	srv, entered, release := blockingServer(t)
	c := newClient(t, loopbackConfig(srv).WithMaxConcurrent(1).WithRateLimit(rate.Inf, 0))
	g := grant(t, "http://"+srv.hostPort("127.0.0.1"))
	first := make(chan error, 1)
	go func() {
		_, err := c.Do(context.Background(), g, Request{URL: srv.URL})
		first <- err
	}()
	<-entered
	_, err := c.Do(context.Background(), g, Request{URL: srv.URL})
	var ae *abi.Error
	if !errors.As(err, &ae) || ae.Code != abi.CodeRateLimited || !ae.Retryable || !strings.Contains(ae.Message, "in flight") {
		t.Fatalf("got %v, want retryable RATE_LIMITED in flight", err)
	}
	other := g
	other.Installation = "inst-2"
	second := make(chan error, 1)
	go func() {
		_, err := c.Do(context.Background(), other, Request{URL: srv.URL})
		second <- err
	}()
	<-entered // another installation is not blocked by the first one's slot
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(context.Background(), g, Request{URL: srv.URL}); err != nil {
		t.Fatalf("after release: %v", err)
	}
}

func TestLimitsPrune(t *testing.T) {
	l := newLimits(NewConfig())
	now := time.Now()
	for i := range pruneAbove + 10 {
		release, aerr := l.acquire(strings.Repeat("x", i%7)+string(rune('a'+i%26))+time.Duration(i).String(), now.Add(time.Duration(i)*time.Second))
		if aerr != nil {
			t.Fatal(aerr)
		}
		release()
	}
	l.mu.Lock()
	n := len(l.m)
	l.mu.Unlock()
	if n > pruneAbove {
		t.Fatalf("registry holds %d installations, want at most %d", n, pruneAbove)
	}
}
