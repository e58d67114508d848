package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v5"

	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/internal/config"
)

// hooks let tests watch and adjust the server; all are optional.
type hooks struct {
	// onListen is called with the address once the server listens.
	onListen func(addr net.Addr)
	// onShutdown is called when the graceful shutdown begins: the server
	// no longer accepts connections and waits for requests in flight.
	onShutdown func()
	// httpCfg adjusts the outbound HTTP policy (a test CA, for example).
	httpCfg func(hhttp.Config) hhttp.Config
	// onRegistered is called when the first-party apps are registered.
	onRegistered func(published int, err error)
	// skipFirstParty leaves the first-party apps out (tests that do not
	// need them spare compiling them all).
	skipFirstParty bool
}

// run is the whole server: parse the configuration, open everything,
// serve until ctx is done, shut down gracefully. It returns the exit code:
// 0, 1 for a failure at run time, 2 for a bad configuration.
func run(ctx context.Context, args, env []string, stdout, stderr io.Writer, h hooks) int {
	cfg, err := config.Parse(args, env)
	if errors.Is(err, config.ErrHelp) {
		config.Usage(stdout)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "slotbox-server: %v\n(see --help)\n", err)
		return 2
	}
	logger := newLogger(cfg, stderr)
	logger.Info("starting", "config", cfg)
	srv, err := open(ctx, cfg, logger, h)
	if err != nil {
		logger.Error("start failed", "err", err)
		return 1
	}
	serveErr := srv.serve(ctx, h)
	closeErr := srv.close()
	if err := errors.Join(serveErr, closeErr); err != nil {
		logger.Error("stopped with an error", "err", err)
		return 1
	}
	logger.Info("stopped")
	return 0
}

// newLogger returns the server's logger in the configured format and level.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// serve serves the API until ctx is done, then stops accepting
// connections and waits up to the shutdown timeout for the requests (and
// so the app calls) in flight; past it, their connections are closed.
// Beside it the first-party apps are registered, and a sweeper closes idle
// instances and prunes old records.
func (s *server) serve(ctx context.Context, h hooks) error {
	var (
		httpSrv *http.Server
		wg      sync.WaitGroup
	)
	sweepCtx, stopSweep := context.WithCancel(context.WithoutCancel(ctx))
	defer func() {
		stopSweep()
		wg.Wait()
	}()
	wg.Go(func() { s.sweep(sweepCtx, time.Minute) })
	wg.Go(func() {
		if h.skipFirstParty {
			return
		}
		n, err := s.registerFirstParty(ctx)
		if h.onRegistered != nil {
			h.onRegistered(n, err)
		}
	})

	sc := echo.StartConfig{
		Address:         s.cfg.Addr,
		HideBanner:      true,
		HidePort:        true,
		GracefulTimeout: s.cfg.ShutdownTimeout,
		ListenerAddrFunc: func(addr net.Addr) {
			s.log.Info("listening", "addr", addr.String(), "base_url", s.cfg.BaseURL)
			if h.onListen != nil {
				h.onListen(addr)
			}
		},
		BeforeServeFunc: func(hs *http.Server) error {
			hs.ReadHeaderTimeout = 10 * time.Second
			hs.IdleTimeout = 2 * time.Minute
			hs.MaxHeaderBytes = 64 << 10
			hs.RegisterOnShutdown(func() {
				s.log.Info("shutting down: waiting for requests in flight", "timeout", s.cfg.ShutdownTimeout)
				if h.onShutdown != nil {
					h.onShutdown()
				}
			})
			httpSrv = hs
			return nil
		},
		OnShutdownError: func(err error) {
			s.log.Error("requests still in flight after the shutdown timeout; closing their connections", "err", err)
			if httpSrv != nil {
				_ = httpSrv.Close()
			}
		},
	}
	return sc.Start(ctx, s.api.Handler())
}
