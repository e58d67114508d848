package appstore

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/runtime"
)

// CallOutcome is what one call produced and where it was recorded.
type CallOutcome struct {
	// CallID names the call in log lines and audit entries.
	CallID string
	// RecordID is the call record's id; 0 when it could not be written
	// (which is logged).
	RecordID     int64
	AppID        string
	AppSlug      string
	AppVersionID string
	Method       string
	// Envelope is the result: ok, or an error with an abi code.
	Envelope     abi.Envelope
	Logs         []runtime.LogLine
	LogsDropped  int
	Duration     time.Duration
	FuelUsed     int64
	Instantiated bool
}

// Outcome is "ok" or the envelope's error code.
func (o *CallOutcome) Outcome() string {
	if o.Envelope.Error != nil {
		return string(o.Envelope.Error.Code)
	}
	return store.OutcomeOK
}

// maxMethodLen bounds a method name.
const maxMethodLen = 128

// methodPattern is what a method name looks like: dotted identifiers, such
// as calendar.createEvent or an app's own test.echo.
var methodPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$`)

// Call runs one method of a tenant's installation and records it. A
// catalogue method's input must match the method's input schema (a
// *ProblemsError at "/input" otherwise); another method (an app's own, for
// debugging) takes any JSON. The error is for what prevents the call
// (store.ErrNotFound, ErrAppDisabled, ErrBadMethod, a compile failure);
// whatever the guest does is in the outcome's envelope.
func (s *Service) Call(ctx context.Context, tenantID, installationID, method string, input []byte) (*CallOutcome, error) {
	if err := checkMethod(method, input); err != nil {
		return nil, err
	}
	t, err := s.store.InstallationForCall(ctx, tenantID, installationID)
	if err != nil {
		return nil, err
	}
	if !t.App.Enabled {
		return nil, fmt.Errorf("app[%s]: %w", t.App.Slug, ErrAppDisabled)
	}
	return s.run(ctx, t, method, input)
}

// checkMethod accepts a well-formed method name and an input that is JSON
// and, for a catalogue method, matches its schema.
func checkMethod(method string, input []byte) error {
	if len(method) > maxMethodLen || !methodPattern.MatchString(method) {
		return fmt.Errorf("method[%s] is not a dotted name of at most %d bytes: %w", clean(method), maxMethodLen, ErrBadMethod)
	}
	if len(input) == 0 {
		input = []byte(`{}`)
	}
	if !json.Valid(input) {
		return &ProblemsError{Message: "input is invalid", Problems: abi.Problems{{Path: "/input", Message: "must be JSON"}}}
	}
	if _, ok := abi.LookupMethod(method); !ok {
		return nil
	}
	if err := abi.ValidateInput(method, input); err != nil {
		return problemsAt(fmt.Sprintf("input of %s does not match its schema", method), "/input", err)
	}
	return nil
}

// metricMethod is the method as a metrics label: catalogue methods by name,
// every other name as "other", so callers cannot mint label values.
func metricMethod(method string) string {
	if _, ok := abi.LookupMethod(method); ok {
		return method
	}
	return "other"
}

// run calls method on the installation t: compile on demand, bind, call,
// record, log and observe.
func (s *Service) run(ctx context.Context, t store.CallTarget, method string, input []byte) (*CallOutcome, error) {
	if len(input) == 0 {
		input = []byte(`{}`)
	}
	ca, err := s.cache.acquire(ctx, t.Version.ID)
	if err != nil {
		return nil, fmt.Errorf("installation[%s]: %w", t.Installation.ID, err)
	}
	defer s.cache.release(ctx, ca)

	out := &CallOutcome{CallID: newCallID(), AppID: t.App.ID, AppSlug: t.App.Slug, AppVersionID: t.Version.ID, Method: method}
	funcs, err := s.binder.Bind(ctx, Binding{
		Installation: t.Installation.ID, App: ca.slug, Manifest: ca.manifest,
		AllowList: ca.allow, KeyHosts: ca.keyHosts, CallID: out.CallID,
	})
	if err != nil {
		// The keys give no usable host: a call failure the tenant fixes by
		// updating the keys, recorded like any other.
		out.Envelope = abi.ErrorEnvelope(abi.Errorf(abi.CodePermissionDenied, "%s", safeMessage(err)))
	} else {
		res := ca.app.Call(ctx, runtime.CallRequest{Installation: t.Installation.ID, Method: method, Input: input, Funcs: funcs})
		out.Envelope, out.Logs, out.LogsDropped = res.Envelope, res.Logs, res.LogsDropped
		out.Duration, out.FuelUsed, out.Instantiated = res.Duration, res.FuelUsed, res.Instantiated
	}
	s.finish(ctx, t, out)
	return out, nil
}

// safeMessage is an error's text when it is one of ours that never holds a
// value; otherwise a fixed text.
func safeMessage(err error) string {
	var kh *KeyHostError
	if errors.As(err, &kh) {
		return kh.Error()
	}
	return "the installation's credential could not be read"
}

// finish writes the call record, the log line and the metrics of a call.
func (s *Service) finish(ctx context.Context, t store.CallTarget, out *CallOutcome) {
	outcome := out.Outcome()
	msg := ""
	if e := out.Envelope.Error; e != nil {
		msg = e.Message
		if e.AppCode != "" {
			msg = e.AppCode + ": " + msg
		}
	}
	// The record is written even when the caller went away meanwhile.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.recordTimeout)
	defer cancel()
	id, err := s.store.InsertCallRecord(rctx, store.CallRecord{
		TenantID: t.Installation.TenantID, InstallationID: t.Installation.ID, AppVersionID: t.Version.ID,
		Method: out.Method, Outcome: outcome, Message: msg, DurationUS: out.Duration.Microseconds(),
		FuelUsed: out.FuelUsed, Log: recordLog(out.Logs, out.LogsDropped),
	})
	if err != nil {
		s.log.ErrorContext(ctx, "write call record", "app", out.AppSlug, "installation", t.Installation.ID, "call", out.CallID, "err", err)
	}
	out.RecordID = id

	level := slog.LevelInfo
	if out.Envelope.Error != nil && out.Envelope.Error.Code != abi.CodeNotImplemented {
		level = slog.LevelWarn
	}
	s.log.Log(ctx, level, "app call", "app", out.AppSlug, "tenant", t.Installation.TenantID, "installation", t.Installation.ID,
		"call", out.CallID, "record", id, "method", out.Method, "outcome", outcome,
		"duration", out.Duration, "fuel", out.FuelUsed, "instantiated", out.Instantiated, "log_lines", len(out.Logs))
	if s.log.Enabled(ctx, slog.LevelDebug) {
		for _, l := range out.Logs {
			s.log.DebugContext(ctx, "app log", "app", out.AppSlug, "installation", t.Installation.ID, "call", out.CallID,
				"level", l.Level.String(), "message", l.Message)
		}
	}
	if s.observer != nil {
		s.observer.ObserveCall(out.AppSlug, metricMethod(out.Method), metricOutcome(out.Envelope), out.Duration)
	}
}

// logRecord is the JSON of a call record's log.
type logRecord struct {
	Lines   []logLine `json:"lines"`
	Dropped int       `json:"dropped"`
}

type logLine struct {
	Time    time.Time `json:"time"`
	Level   string    `json:"level"`
	Message string    `json:"message"`
}

// recordLog encodes the captured lines for the call record, dropping lines
// from the end until the JSON fits the store's cap.
func recordLog(lines []runtime.LogLine, dropped int) json.RawMessage {
	if len(lines) == 0 && dropped == 0 {
		return nil
	}
	rec := logRecord{Lines: make([]logLine, len(lines)), Dropped: dropped}
	for i, l := range lines {
		rec.Lines[i] = logLine{Time: l.Time, Level: l.Level.String(), Message: l.Message}
	}
	for {
		b, err := json.Marshal(rec)
		if err != nil {
			return nil
		}
		if len(b) <= store.MaxCallLogSize || len(rec.Lines) == 0 {
			return b
		}
		cut := max(1, len(rec.Lines)/8)
		rec.Lines = rec.Lines[:len(rec.Lines)-cut]
		rec.Dropped += cut
	}
}

// callIDEncoding is lower-case base32 without padding.
var callIDEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newCallID returns a random id naming one call in logs and audit entries.
func newCallID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return "call_" + strings.ToLower(callIDEncoding.EncodeToString(b[:]))
}

// metricOutcome is the outcome as a metrics label: "ok", a host code, or
// APP_ERROR for every code an app made up (abi.FromGuest already maps them,
// and this keeps the label set closed if it ever did not).
func metricOutcome(env abi.Envelope) string {
	if env.Error == nil {
		return store.OutcomeOK
	}
	if len(env.Error.Code) > 32 || !codePattern.MatchString(string(env.Error.Code)) {
		return string(abi.CodeAppError)
	}
	return string(env.Error.Code)
}

var codePattern = regexp.MustCompile(`^[A-Z][A-Z_]*$`)
