// Package metrics holds the server's Prometheus registry: app calls by app,
// method and outcome with their latency, the runtime's pool sizes, the
// database pools, and HTTP requests by route and status. It uses its own
// registry, never the global default one, so tests and embedders get
// exactly what they create.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/runtime"
)

const namespace = "slotbox"

// Metrics records what the server does. It is safe for concurrent use.
type Metrics struct {
	reg          *prometheus.Registry
	calls        *prometheus.CounterVec
	callSeconds  *prometheus.HistogramVec
	httpRequests *prometheus.CounterVec
	httpSeconds  *prometheus.HistogramVec
}

// callBuckets span a cached call (tens of microseconds) to the longest
// timeout an operator would set.
var callBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// New returns Metrics on a fresh registry that also holds the Go runtime
// and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "app_calls_total",
			Help: "App method calls by app slug, method and outcome (ok or the error code).",
		}, []string{"app", "method", "outcome"}),
		callSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "app_call_duration_seconds",
			Help: "Duration of app method calls, instantiation included.", Buckets: callBuckets,
		}, []string{"app", "method"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "http_requests_total",
			Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		httpSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "http_request_duration_seconds",
			Help: "Duration of HTTP requests by route pattern and method.", Buckets: callBuckets,
		}, []string{"route", "method"}),
	}
	m.reg.MustRegister(m.calls, m.callSeconds, m.httpRequests, m.httpSeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry returns the registry, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, ErrorHandling: promhttp.ContinueOnError})
}

// ObserveCall records one app call. outcome is "ok" or the error code.
func (m *Metrics) ObserveCall(app, method, outcome string, d time.Duration) {
	m.calls.WithLabelValues(app, method, outcome).Inc()
	m.callSeconds.WithLabelValues(app, method).Observe(d.Seconds())
}

// ObserveHTTP records one HTTP request. route is the route pattern (never
// the raw path, whose ids would make a series per request).
func (m *Metrics) ObserveHTTP(route, method string, status int, d time.Duration) {
	m.httpRequests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.httpSeconds.WithLabelValues(route, method).Observe(d.Seconds())
}

// WatchEngine reports the runtime's pools, read from stats at each scrape.
func (m *Metrics) WatchEngine(stats func() runtime.Stats) error {
	return m.reg.Register(engineCollector{stats: stats})
}

// WatchStore reports the database connection pools, read at each scrape.
func (m *Metrics) WatchStore(stats func() store.PoolStats) error {
	return m.reg.Register(storeCollector{stats: stats})
}
