package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/internal/jobs"
	"github.com/slotbox/slotbox/internal/store"
)

// DeliveryArgs is the job of one delivery. Replay tells a replayed delivery
// from its first run, so River's uniqueness lets it in.
type DeliveryArgs struct {
	TenantID   string `json:"tenantId" river:"unique"`
	DeliveryID string `json:"deliveryId" river:"unique"`
	Replay     int    `json:"replay" river:"unique"`
}

// Kind implements river.JobArgs.
func (DeliveryArgs) Kind() string { return "webhook_delivery" }

// InsertOpts puts deliveries on their own queue, one job per delivery.
func (DeliveryArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueWebhooks, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// EnqueueTx records a delivery of payload to each of the tenant's active
// webhooks subscribed to trigger, with its job, in tx. It returns how many.
func (s *Service) EnqueueTx(ctx context.Context, tx *store.Tx, tenantID, trigger string, payload []byte) (int, error) {
	ws, err := tx.WebhooksForTrigger(ctx, tenantID, trigger)
	if err != nil {
		return 0, err
	}
	for _, w := range ws {
		d, err := tx.CreateWebhookDelivery(ctx, tenantID, w.ID, trigger, payload)
		if err != nil {
			return 0, err
		}
		if _, err := s.jobs.InsertTx(ctx, tx, DeliveryArgs{TenantID: tenantID, DeliveryID: d.ID}, nil); err != nil {
			return 0, err
		}
	}
	return len(ws), nil
}

// ErrNotReplayable means a delivery is pending or succeeded: only a failed
// one (dead, or refused for good) can be sent again.
var ErrNotReplayable = errors.New("only a dead or failed delivery can be replayed")

// Replay sends a dead or failed delivery of a tenant's webhook again, with
// a fresh set of attempts.
func (s *Service) Replay(ctx context.Context, tenantID, webhookID, deliveryID string) (store.WebhookDelivery, error) {
	var out store.WebhookDelivery
	err := s.st.RunInTx(ctx, func(tx *store.Tx) error {
		d, err := tx.WebhookDelivery(ctx, tenantID, deliveryID)
		if err != nil {
			return err
		}
		if d.WebhookID != webhookID {
			return fmt.Errorf("delivery[%s] webhook[%s]: %w", deliveryID, webhookID, store.ErrNotFound)
		}
		if d.Status != store.DeliveryDead && d.Status != store.DeliveryError {
			return fmt.Errorf("delivery[%s] is %s: %w", deliveryID, d.Status, ErrNotReplayable)
		}
		out, err = tx.UpdateWebhookDelivery(ctx, tenantID, deliveryID, store.DeliveryUpdate{
			Status: store.DeliveryPending, Attempts: d.Attempts, ResponseStatus: d.ResponseStatus, Error: "replay requested",
		})
		if err != nil {
			return err
		}
		_, err = s.jobs.InsertTx(ctx, tx, DeliveryArgs{TenantID: tenantID, DeliveryID: deliveryID, Replay: d.Attempts}, nil)
		return err
	})
	return out, err
}

// deliveryWorker sends one delivery per run.
type deliveryWorker struct {
	river.WorkerDefaults[DeliveryArgs]
	s *Service
}

// Work sends the delivery and records the outcome. A failure is retried
// (River's backoff) until the last attempt, which marks it dead; a 410 or a
// webhook switched off ends it at once.
func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[DeliveryArgs]) error {
	s, a := w.s, job.Args
	d, err := s.st.WebhookDelivery(ctx, a.TenantID, a.DeliveryID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // the webhook and its log were deleted
	}
	if err != nil {
		return err
	}
	if d.Status == store.DeliverySuccess {
		return nil // delivered by a run a crash kept from completing
	}
	hook, err := s.st.Webhook(ctx, a.TenantID, d.WebhookID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	attempts := d.Attempts + 1
	if !hook.Active {
		return s.finish(ctx, d, store.DeliveryUpdate{Status: store.DeliveryError, Attempts: d.Attempts, Error: "the webhook is switched off"}, true)
	}
	res := s.send(ctx, hook, d)
	up := store.DeliveryUpdate{Attempts: attempts, ResponseStatus: res.status, Error: res.err}
	switch {
	case res.ok():
		up.Status, up.DeliveredAt = store.DeliverySuccess, s.cfg.now()
		return s.finish(ctx, d, up, false)
	case res.status == http.StatusGone:
		up.Status = store.DeliveryError
		up.Error = "410 Gone: the subscriber asked to stop; the webhook is switched off"
		off := false
		if _, err := s.st.UpdateWebhook(ctx, a.TenantID, hook.ID, store.WebhookUpdate{Active: &off}); err != nil {
			return err
		}
		return s.finish(ctx, d, up, true)
	case job.Attempt >= job.MaxAttempts:
		up.Status = store.DeliveryDead
		if err := s.finish(ctx, d, up, false); err != nil {
			return err
		}
		return errors.New(up.Error) // River discards it: the dead letter
	}
	up.Status = store.DeliveryPending // failed, will retry
	if err := s.finish(ctx, d, up, false); err != nil {
		return err
	}
	return errors.New(up.Error)
}

// finish records a delivery's outcome; cancel ends the job for good.
func (s *Service) finish(ctx context.Context, d store.WebhookDelivery, up store.DeliveryUpdate, cancel bool) error {
	// Recorded even when the job's context ended meanwhile.
	rctx, done := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer done()
	if _, err := s.st.UpdateWebhookDelivery(rctx, d.TenantID, d.ID, up); err != nil {
		return fmt.Errorf("webhook: record delivery[%s]: %w", d.ID, err)
	}
	if up.Status != store.DeliverySuccess {
		s.log.WarnContext(ctx, "webhook delivery failed", "tenant", d.TenantID, "webhook", d.WebhookID, "delivery", d.ID,
			"attempt", up.Attempts, "status", up.ResponseStatus, "outcome", up.Status, "err", up.Error)
	}
	if cancel {
		return river.JobCancel(errors.New(up.Error))
	}
	return nil
}

// result is what one send got.
type result struct {
	status int
	err    string
}

func (r result) ok() bool { return r.err == "" && r.status >= 200 && r.status < 300 }

// send posts the delivery, signed, to the webhook's URL.
func (s *Service) send(ctx context.Context, hook store.Webhook, d store.WebhookDelivery) result {
	if ps := s.checkURL(hook.SubscriberURL); len(ps) > 0 {
		return result{err: "subscriber url refused by the network policy: " + ps[0].Message}
	}
	secret, err := s.secret(hook)
	if err != nil {
		return result{err: "the webhook's secret cannot be opened"}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.SubscriberURL, strings.NewReader(string(d.Payload)))
	if err != nil {
		return result{err: "the subscriber url cannot be requested"}
	}
	now := s.cfg.now()
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", s.cfg.userAgent)
	h.Set(HeaderCalSignature, CalSignature(secret, d.Payload))
	h.Set(HeaderID, d.ID)
	h.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	h.Set(HeaderSignature, StandardSignature(secret, d.ID, now, d.Payload))
	resp, err := s.client.Do(req)
	if err != nil {
		return result{err: describe(ctx, err)}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, s.cfg.maxResponse))
	r := result{status: resp.StatusCode}
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		r.err = fmt.Sprintf("%d: redirects are not followed; register the final URL", resp.StatusCode)
	case resp.StatusCode >= 400 || resp.StatusCode < 200:
		r.err = fmt.Sprintf("%d: %s", resp.StatusCode, snippet(body))
	}
	return r
}

// describe says why a request got no response, in fixed words: the error's
// own text may name internal addresses.
func describe(ctx context.Context, err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, hhttp.ErrAddressRefused):
		return "the subscriber's address is refused by the network policy"
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "the subscriber did not answer in time"
	}
	return "the connection to the subscriber failed"
}

// snippet is the start of a response body, for the delivery log: printable
// UTF-8 on one line, at most 200 bytes.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if !utf8.ValidString(s) {
		return "(binary body)"
	}
	if len(s) > 200 {
		s = s[:200]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return s
}
