package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river"

	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/jobs"
	"github.com/slotbox/slotbox/internal/store"
)

// loopbackPolicy lets deliveries reach test servers on 127.0.0.1 over
// plain http, as an operator's --allow-net would.
func loopbackPolicy() hhttp.Config {
	return hhttp.NewConfig().WithAllowHTTP(true).WithAllowNet("127.0.0.1")
}

// env is a Service on a real store and River runner.
type env struct {
	t      *testing.T
	st     *store.Store
	svc    *Service
	runner *jobs.Runner
	tenant store.Tenant
	events <-chan *river.Event
}

func newEnv(t *testing.T, policy hhttp.Config, maxAttempts int) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "slotbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	runner, err := jobs.New(st, jobs.DefaultConfig().WithMaxAttempts(maxAttempts).
		WithBackoff(time.Millisecond, 2, 5*time.Millisecond, 0.25).WithPollInterval(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	key, err := vault.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := vault.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Deps{Store: st, Jobs: runner, Sealer: sealer, HTTP: policy}, DefaultConfig().WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	if err := runner.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		runner.Stop(sctx)
	})
	events, cancel, err := runner.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	tenant, err := st.CreateTenant(ctx, "Tenant")
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, st: st, svc: svc, runner: runner, tenant: tenant, events: events}
}

// enqueue fans payload out to the tenant's webhooks for trigger.
func (e *env) enqueue(trigger string, payload []byte) int {
	e.t.Helper()
	var n int
	err := e.st.RunInTx(context.Background(), func(tx *store.Tx) error {
		var err error
		n, err = e.svc.EnqueueTx(context.Background(), tx, e.tenant.ID, trigger, payload)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// waitJob waits for the next finished run (completed, failed or
// cancelled) of a delivery job.
func (e *env) waitJob() *river.Event {
	e.t.Helper()
	select {
	case ev := <-e.events:
		return ev
	case <-time.After(30 * time.Second):
		e.t.Fatal("no delivery finished within 30s")
		return nil
	}
}

// waitFinal waits until a delivery job ends for good (completed,
// discarded or cancelled).
func (e *env) waitFinal() *river.Event {
	e.t.Helper()
	for {
		ev := e.waitJob()
		if ev.Job.State != "retryable" && ev.Job.State != "available" {
			return ev
		}
	}
}

// deliveries returns a webhook's delivery log.
func (e *env) deliveries(webhookID string) []store.WebhookDelivery {
	e.t.Helper()
	ds, _, err := e.st.ListWebhookDeliveries(context.Background(), e.tenant.ID, webhookID, store.Page{})
	if err != nil {
		e.t.Fatal(err)
	}
	return ds
}

// subscriber is a test server answering with handler.
func subscriber(t *testing.T, handler http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv
}
