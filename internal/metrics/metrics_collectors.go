package metrics

import (
	"database/sql"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/runtime"
)

var (
	descModules = prometheus.NewDesc(namespace+"_runtime_modules",
		"Compiled app modules held by the runtime.", nil, nil)
	descLive = prometheus.NewDesc(namespace+"_runtime_instances",
		"App instances alive, in use or idle.", nil, nil)
	descIdle = prometheus.NewDesc(namespace+"_runtime_idle_instances",
		"App instances waiting in pools.", nil, nil)
	descIdleBytes = prometheus.NewDesc(namespace+"_runtime_idle_memory_bytes",
		"Linear memory of the idle app instances.", nil, nil)

	descDBOpen = prometheus.NewDesc(namespace+"_db_connections_open",
		"Open database connections by pool (writer or reader).", []string{"pool"}, nil)
	descDBInUse = prometheus.NewDesc(namespace+"_db_connections_in_use",
		"Database connections in use by pool.", []string{"pool"}, nil)
	descDBWaits = prometheus.NewDesc(namespace+"_db_connection_waits_total",
		"Times a query waited for a free connection, by pool.", []string{"pool"}, nil)
	descDBWaitSeconds = prometheus.NewDesc(namespace+"_db_connection_wait_seconds_total",
		"Time spent waiting for a free connection, by pool.", []string{"pool"}, nil)
)

// engineCollector reads runtime.Stats at scrape time.
type engineCollector struct{ stats func() runtime.Stats }

// Describe implements prometheus.Collector.
func (engineCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descModules
	ch <- descLive
	ch <- descIdle
	ch <- descIdleBytes
}

// Collect implements prometheus.Collector.
func (c engineCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	ch <- prometheus.MustNewConstMetric(descModules, prometheus.GaugeValue, float64(s.Modules))
	ch <- prometheus.MustNewConstMetric(descLive, prometheus.GaugeValue, float64(s.LiveInstances))
	ch <- prometheus.MustNewConstMetric(descIdle, prometheus.GaugeValue, float64(s.IdleInstances))
	ch <- prometheus.MustNewConstMetric(descIdleBytes, prometheus.GaugeValue, float64(s.IdleBytes))
}

// storeCollector reads the store's pool statistics at scrape time.
type storeCollector struct{ stats func() store.PoolStats }

// Describe implements prometheus.Collector.
func (storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descDBOpen
	ch <- descDBInUse
	ch <- descDBWaits
	ch <- descDBWaitSeconds
}

// Collect implements prometheus.Collector.
func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	for _, p := range []struct {
		name string
		st   sql.DBStats
	}{{"writer", s.Writer}, {"reader", s.Reader}} {
		ch <- prometheus.MustNewConstMetric(descDBOpen, prometheus.GaugeValue, float64(p.st.OpenConnections), p.name)
		ch <- prometheus.MustNewConstMetric(descDBInUse, prometheus.GaugeValue, float64(p.st.InUse), p.name)
		ch <- prometheus.MustNewConstMetric(descDBWaits, prometheus.CounterValue, float64(p.st.WaitCount), p.name)
		ch <- prometheus.MustNewConstMetric(descDBWaitSeconds, prometheus.CounterValue, p.st.WaitDuration.Seconds(), p.name)
	}
}
