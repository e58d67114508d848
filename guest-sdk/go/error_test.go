package slotbox

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slotbox/slotbox/abi"
)

func TestToError(t *testing.T) {
	coded := &Error{Code: abi.CodeRateLimited, Message: "slow down", Retryable: true}
	tests := []struct {
		name string
		err  error
		want Error
	}{
		{"plain error", errors.New("boom"), Error{Code: CodeInternal, Message: "boom"}},
		{"coded error", coded, Error{Code: abi.CodeRateLimited, Message: "slow down", Retryable: true}},
		{"wrapped coded error keeps code, takes outer text", fmt.Errorf("load: %w", coded),
			Error{Code: abi.CodeRateLimited, Message: "load: RATE_LIMITED: slow down", Retryable: true}},
		{"empty code", &Error{Message: "x"}, Error{Code: CodeInternal, Message: "x"}},
		{"app code", &Error{Code: "NOT_FOUND", Message: "no such event"}, Error{Code: "NOT_FOUND", Message: "no such event"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := toError(tt.err)
			if *got != tt.want {
				t.Fatalf("toError = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestToErrorTruncatesLongMessages(t *testing.T) {
	got := toError(errors.New(strings.Repeat("é", maxMessageBytes)))
	if len(got.Message) > maxMessageBytes {
		t.Fatalf("message is %d bytes, cap %d", len(got.Message), maxMessageBytes)
	}
	if !utf8.ValidString(got.Message) || !strings.HasSuffix(got.Message, "…") {
		t.Fatalf("message not cut cleanly: %q", got.Message[len(got.Message)-10:])
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"0123456789abc", 10, "0123456…"},
		{"ééééé", 7, "éé…"}, // 2+2 bytes, then the 3-byte ellipsis
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestErrorIs(t *testing.T) {
	err := fmt.Errorf("kv get [k]: %w", &Error{Code: abi.CodeRateLimited, Message: "x"})
	if !errors.Is(err, &Error{Code: abi.CodeRateLimited}) {
		t.Error("errors.Is does not match the same code")
	}
	if errors.Is(err, &Error{Code: abi.CodeHostError}) {
		t.Error("errors.Is matches another code")
	}
	if got := (&Error{Code: "X", Message: "y"}).Error(); got != "X: y" {
		t.Errorf("Error() = %q", got)
	}
}
