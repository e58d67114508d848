// Command loadgen measures booking throughput against a running Slotbox
// server from another process: it sets up a tenant with four apps (the
// booking tests' app as calendar, video, CRM and automation, all answered
// by a loopback peer it runs itself), then creates bookings from
// concurrent workers, each with ?wait so the answer comes when every hook
// of the booking is done, and reports bookings per second and the p50, p90
// and p99 latency from the create request to all hooks done.
//
//	go run ./internal/booking/loadgen -server http://127.0.0.1:8080 -admin TOKEN -n 2000 -c 16
//
// The server must let apps reach 127.0.0.1 over plain http
// (SLOTBOX_ALLOW_NET=127.0.0.1, SLOTBOX_ALLOW_HTTP=true). run.sh builds
// and starts one.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run() error {
	server := flag.String("server", "http://127.0.0.1:8080", "the Slotbox server")
	admin := flag.String("admin", "", "the server's admin token")
	wasm := flag.String("wasm", "internal/booking/testdata/peerapp.wasm", "the test app module")
	n := flag.Int("n", 1000, "bookings to create")
	c := flag.Int("c", 16, "bookings in flight at once")
	warmup := flag.Int("warmup", 20, "bookings created first, not measured")
	tenants := flag.Int("tenants", 8, "tenants the bookings are spread over, each with its own four installations "+
		"(the host limits each installation to 10 requests a second by default)")
	flag.Parse()
	if *admin == "" {
		return errors.New("-admin is required")
	}
	module, err := os.ReadFile(*wasm)
	if err != nil {
		return err
	}
	peer, err := startPeer()
	if err != nil {
		return err
	}
	cl := &client{base: strings.TrimRight(*server, "/"), suffix: fmt.Sprint(time.Now().UnixNano() % 1e6),
		http: &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: *c * 2}}}
	if *tenants < 1 {
		return errors.New("-tenants must be at least 1")
	}
	keys := make([]string, *tenants)
	for i := range keys {
		if keys[i], err = cl.setup(*admin, module, peer, i == 0); err != nil {
			return err
		}
	}
	if *warmup > 0 {
		if _, _, err := cl.load(keys, "warm", *warmup, min(*c, *warmup)); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	lat, took, err := cl.load(keys, "run", *n, *c)
	if err != nil {
		return err
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	fmt.Printf("bookings: %d over %d tenants, concurrency %d, four apps (calendar, video, CRM, automation) per booking\n", *n, *tenants, *c)
	fmt.Printf("throughput: %.1f bookings/s (%s in all)\n", float64(*n)/took.Seconds(), took.Round(time.Millisecond))
	fmt.Printf("create request to all hooks done: p50 %s, p90 %s, p99 %s, max %s\n",
		pct(0.50).Round(100*time.Microsecond), pct(0.90).Round(100*time.Microsecond), pct(0.99).Round(100*time.Microsecond),
		lat[len(lat)-1].Round(100*time.Microsecond))
	fmt.Printf("peer calls: %d\n", peer.calls.Load())
	return nil
}

// peer answers every app call at once, as a fast upstream would.
type peer struct {
	url   string
	calls atomic.Int64
}

func startPeer() (*peer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &peer{url: "http://" + ln.Addr().String()}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.calls.Add(1)
		var in struct {
			Event struct{ UID string } `json:"event"`
		}
		json.NewDecoder(r.Body).Decode(&in)
		method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		w.Header().Set("Content-Type", "application/json")
		switch method {
		case "calendar.createEvent":
			fmt.Fprintf(w, `{"uid":"cal-%s","id":"cal-%s","type":"","password":"","url":""}`, in.Event.UID, in.Event.UID)
		case "video.createMeeting":
			fmt.Fprintf(w, `{"type":"video","id":"m-%s","password":"","url":"https://meet.example/%s"}`, in.Event.UID, in.Event.UID)
		case "crm.getContacts", "crm.createContacts":
			io.WriteString(w, `[{"id":"c1","email":"a@example.com"}]`)
		case "crm.createEvent":
			fmt.Fprintf(w, `{"id":"crm-%s"}`, in.Event.UID)
		default:
			io.WriteString(w, `{}`)
		}
	}))
	return p, nil
}

// client talks to the server.
type client struct {
	base   string
	http   *http.Client
	suffix string // makes the app slugs of one run unique
}

func (c *client) do(method, path, token, contentType string, body []byte, want int, out any) error {
	req, err := http.NewRequestWithContext(context.Background(), method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// setup makes a tenant with the four apps enabled for event type "bench"
// and returns its API key; publish uploads the apps first.
func (c *client) setup(admin string, module []byte, p *peer, publish bool) (string, error) {
	var tenant struct{ ID string }
	if err := c.do("POST", "/api/admin/tenants", admin, "application/json", []byte(`{"name":"loadgen"}`), 201, &tenant); err != nil {
		return "", err
	}
	var key struct{ Secret string }
	if err := c.do("POST", "/api/admin/tenants/"+tenant.ID+"/keys", admin, "application/json", []byte(`{"name":"loadgen"}`), 201, &key); err != nil {
		return "", err
	}
	for _, a := range []struct{ slug, category string }{
		{"bench-cal-" + c.suffix, "calendar"}, {"bench-video-" + c.suffix, "conferencing"}, {"bench-crm-" + c.suffix, "crm"},
		{"bench-auto-" + c.suffix, "automation"},
	} {
		cfg := map[string]any{
			"name": a.slug, "slug": a.slug, "categories": []string{a.category}, "publisher": "loadgen", "email": "loadgen@slotbox.invalid",
			"description": "booking benchmark app", "abi": "slotbox/1",
			"permissions": map[string]any{"http": map[string]any{"allowedHosts": []string{"{{keys.base_url}}"}},
				"vault": map[string]any{"reveal": []string{"base_url"}}},
			"keysSchema": map[string]any{"type": "object", "properties": map[string]any{"base_url": map[string]any{"type": "string"}}},
		}
		if a.category == "conferencing" {
			cfg["appData"] = map[string]any{"location": map[string]any{"type": "integrations:bench", "label": "bench", "linkType": "dynamic"}}
		}
		raw, _ := json.Marshal(cfg)
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		fw, _ := w.CreateFormFile("config", "config.json")
		fw.Write(raw)
		fw, _ = w.CreateFormFile("wasm", "app.wasm")
		fw.Write(module)
		w.Close()
		if publish {
			if err := c.do("POST", "/api/admin/apps?enabled=true", admin, w.FormDataContentType(), buf.Bytes(), 201, nil); err != nil {
				return "", err
			}
		}
		body, _ := json.Marshal(map[string]any{"app": a.slug, "keys": map[string]string{"base_url": p.url + "/" + a.slug}})
		var in struct{ ID string }
		if err := c.do("POST", "/api/installations", key.Secret, "application/json", body, 201, &in); err != nil {
			return "", err
		}
		if err := c.do("PUT", "/api/event-types/bench/apps/"+in.ID, key.Secret, "application/json", []byte(`{"appData":{}}`), 200, nil); err != nil {
			return "", err
		}
	}
	return key.Secret, nil
}

// load creates n bookings from c workers, round-robin over the tenants'
// keys, and returns each one's latency from request to all hooks done, and
// the wall time.
func (c *client) load(keys []string, prefix string, n, workers int) ([]time.Duration, time.Duration, error) {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				uid := fmt.Sprintf("%s-%d-%d", prefix, start.UnixNano(), i)
				at := time.Now().Add(time.Duration(24+i%1000) * time.Hour).UTC().Truncate(time.Minute)
				body := fmt.Sprintf(`{"eventTypeId":"bench","event":{"type":"bench","title":"Bench %d","uid":%q,"location":"integrations:bench",`+
					`"startTime":%q,"endTime":%q,"organizer":{"name":"O","email":"o@example.com","timeZone":"UTC","language":{"locale":"en"}},`+
					`"attendees":[{"name":"A","email":"a@example.com","timeZone":"UTC","language":{"locale":"en"}}]}}`,
					i, uid, at.Format(time.RFC3339), at.Add(30*time.Minute).Format(time.RFC3339))
				t0 := time.Now()
				var v struct {
					Settled bool
					Apps    []struct{ Step, Status, State, ErrorCode, ErrorMessage string }
				}
				err := c.do("POST", "/api/bookings?wait=60s", keys[i%len(keys)], "application/json", []byte(body), 201, &v)
				if err == nil && (!v.Settled || len(v.Apps) != 4) {
					err = fmt.Errorf("booking %s: settled %v with %d steps: %+v", uid, v.Settled, len(v.Apps), v.Apps)
				}
				for _, a := range v.Apps {
					if err == nil && a.Status != "success" {
						err = fmt.Errorf("booking %s: %s %s", uid, a.Step, a.Status)
					}
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	return lat, time.Since(start), firstErr
}
