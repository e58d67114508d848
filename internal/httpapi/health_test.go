package httpapi

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

func TestHealth(t *testing.T) {
	h := newHarness(t)
	h.run(t, []scenario{
		{name: "healthz", method: "GET", url: "/healthz", status: 200, want: []string{`{"status":"ok"}`}},
		{name: "readyz", method: "GET", url: "/readyz", status: 200, want: []string{`{"status":"ok"}`}},
		{name: "unknown route", method: "GET", url: "/nope", status: 404, want: []string{`"code":"NOT_FOUND"`}},
		{name: "wrong method", method: "DELETE", url: "/healthz", status: 405, want: []string{`"code":"METHOD_NOT_ALLOWED"`}},
	})
}

func TestReadyzWhenTheStoreIsClosed(t *testing.T) {
	h := newHarness(t)
	if err := h.st.Close(); err != nil {
		t.Fatal(err)
	}
	h.run(t, []scenario{
		{name: "readyz", method: "GET", url: "/readyz", status: 503, want: []string{`"code":"NOT_READY"`}},
		{name: "healthz still ok", method: "GET", url: "/healthz", status: 200},
	})
}

func TestMetrics(t *testing.T) {
	t.Run("served to loopback", func(t *testing.T) {
		h := newHarness(t)
		h.publish("small/echo", nil)
		in := h.install(h.keyA, "test-echo", `{}`)
		h.mustJSON(h.do("POST", "/api/installations/"+in.ID+"/call", bearerOf(h.keyA), `{"method":"calendar.listCalendars"}`), 200, nil)
		r := h.do("GET", "/metrics", nil, "")
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		body := string(r.body)
		for _, want := range []string{
			`slotbox_app_calls_total{app="test-echo",method="calendar.listCalendars",outcome="ok"} 1`,
			`slotbox_app_calls_total{app="test-echo",method="app.checkKeys",outcome="ok"} 1`,
			`slotbox_app_call_duration_seconds_bucket{app="test-echo",method="calendar.listCalendars"`,
			`slotbox_http_requests_total{method="POST",route="/api/installations/:id/call",status="200"} 1`,
			`slotbox_runtime_instances `, `slotbox_db_connections_open{pool="writer"}`, `go_goroutines`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		if strings.Contains(body, in.ID) {
			t.Error("metrics name an installation id: a series per id")
		}
	})
	t.Run("refused outside the allowed networks", func(t *testing.T) {
		h := newHarness(t, func(o *harnessOptions) {
			o.apiCfg = func(c Config) Config { return c.WithMetricsAllow([]netip.Prefix{mustPrefix(t, "10.0.0.0/8")}) }
		})
		h.run(t, []scenario{{name: "metrics", method: "GET", url: "/metrics", status: http.StatusForbidden, want: []string{`"code":"FORBIDDEN"`}}})
		// A forwarding header the peer writes itself changes nothing.
		r := h.do("GET", "/metrics", map[string]string{"X-Forwarded-For": "10.1.2.3", "X-Real-Ip": "10.1.2.3"}, "")
		if r.status != http.StatusForbidden {
			t.Fatalf("spoofed X-Forwarded-For: status %d", r.status)
		}
	})
	t.Run("off", func(t *testing.T) {
		h := newHarness(t, func(o *harnessOptions) { o.noMetrics = true })
		h.run(t, []scenario{{name: "metrics", method: "GET", url: "/metrics", status: http.StatusNotFound}})
	})
}

func TestMetricsAllowed(t *testing.T) {
	s := &Server{cfg: DefaultConfig().WithMetricsAllow([]netip.Prefix{mustPrefix(t, "127.0.0.0/8"), mustPrefix(t, "::1/128"), mustPrefix(t, "10.1.0.0/16")})}
	tests := []struct {
		remote string
		want   bool
	}{
		{"127.0.0.1:5000", true},
		{"[::1]:5000", true},
		{"[::ffff:127.0.0.1]:5000", true},
		{"10.1.200.3:1", true},
		{"10.2.0.1:1", false},
		{"[fe80::1%eth0]:1", false},
		{"garbage", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := s.metricsAllowed(tt.remote); got != tt.want {
			t.Errorf("metricsAllowed(%q) = %v, want %v", tt.remote, got, tt.want)
		}
	}
}
