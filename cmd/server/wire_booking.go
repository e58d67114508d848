package main

import (
	"context"
	"log/slog"

	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/booking"
	"github.com/slotbox/slotbox/internal/httpapi"
	"github.com/slotbox/slotbox/internal/jobs"
	"github.com/slotbox/slotbox/internal/webhook"
)

// openBookings wires the booking orchestration: the River job runner on
// the store's writer, outbound webhooks under the same outbound policy as
// apps, and the booking service; it starts the runner, which resumes the
// jobs a previous process left, and stops it on close before the app
// store and the store close.
func openBookings(ctx context.Context, s *server, sealer *vault.Sealer, policy hhttp.Config, logger *slog.Logger) (httpapi.BookingDeps, error) {
	runner, err := jobs.New(s.store, jobs.DefaultConfig().WithLogger(logger.With("component", "jobs")))
	if err != nil {
		return httpapi.BookingDeps{}, err
	}
	hooks, err := webhook.New(webhook.Deps{Store: s.store, Jobs: runner, Sealer: sealer, HTTP: policy,
		Logger: logger.With("component", "webhooks")}, webhook.DefaultConfig())
	if err != nil {
		return httpapi.BookingDeps{}, err
	}
	s.defer_(func() error { hooks.Close(); return nil })
	bookings, err := booking.New(booking.Deps{Store: s.store, Apps: s.apps, Jobs: runner, Webhooks: hooks, Sealer: sealer,
		Logger: logger.With("component", "booking")}, booking.DefaultConfig())
	if err != nil {
		return httpapi.BookingDeps{}, err
	}
	if err := runner.Start(ctx); err != nil {
		return httpapi.BookingDeps{}, err
	}
	s.defer_(func() error {
		sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		defer cancel()
		return runner.Stop(sctx)
	})
	return httpapi.BookingDeps{Bookings: bookings, Webhooks: hooks}, nil
}
