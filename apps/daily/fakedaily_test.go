package daily_test

// fakeDaily is a loopback stand-in for Daily's REST API v1, following its
// documentation (https://docs.daily.co/reference/rest-api): bearer-key
// authentication, room objects, and errors as {"error": TYPE, "info": TEXT}
// with the documented statuses (400 authorization-header-error,
// invalid-request-error, json-parsing-error; 401 authentication-error; 404
// not-found; 429 rate-limit-error; 5xx server-error).

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// fakeDomain is the Daily domain the fake's rooms live on.
const fakeDomain = "slotbox-test"

type fakeRoom struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	APICreate bool           `json:"api_created"`
	Privacy   string         `json:"privacy"`
	URL       string         `json:"url"`
	CreatedAt string         `json:"created_at"`
	Config    map[string]any `json:"config"`
}

// exp is the room's expiry in Unix seconds, 0 when unset.
func (r *fakeRoom) exp() int64 {
	v, _ := r.Config["exp"].(json.Number)
	n, _ := v.Int64()
	return n
}

// fakeRequest is one request the fake received.
type fakeRequest struct {
	Method, Path, Auth, ContentType string
	Body                            []byte
}

// canned is a response the next request gets instead of the API's own.
type canned struct {
	status int
	header map[string]string
	body   string
}

type fakeDaily struct {
	apiKey string
	mux    *http.ServeMux

	mu     sync.Mutex
	rooms  map[string]*fakeRoom
	queue  []canned
	served []fakeRequest
}

// roomProperties are the room properties the fake accepts; Daily refuses
// unknown ones with invalid-request-error.
var roomProperties = map[string]bool{
	"exp": true, "nbf": true, "enable_prejoin_ui": true, "enable_screenshare": true, "enable_chat": true,
	"enable_knocking": true, "enable_pip_ui": true, "max_participants": true, "eject_at_room_exp": true,
}

func newFakeDaily(apiKey string) *fakeDaily {
	f := &fakeDaily{apiKey: apiKey, mux: http.NewServeMux(), rooms: map[string]*fakeRoom{}}
	f.mux.HandleFunc("GET /v1/{$}", f.domain)
	f.mux.HandleFunc("POST /v1/rooms", f.createRoom)
	f.mux.HandleFunc("POST /v1/rooms/{name}", f.updateRoom)
	f.mux.HandleFunc("DELETE /v1/rooms/{name}", f.deleteRoom)
	return f
}

// inject makes the next request answer status with body and headers given
// as name, value pairs.
func (f *fakeDaily) inject(status int, body string, header ...string) {
	c := canned{status: status, body: body, header: map[string]string{}}
	for i := 0; i+1 < len(header); i += 2 {
		c.header[header[i]] = header[i+1]
	}
	f.mu.Lock()
	f.queue = append(f.queue, c)
	f.mu.Unlock()
}

// setKey changes the API key the fake accepts.
func (f *fakeDaily) setKey(key string) {
	f.mu.Lock()
	f.apiKey = key
	f.mu.Unlock()
}

// requests returns what the fake has received.
func (f *fakeDaily) requests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.served...)
}

// room returns the room called name, nil when there is none.
func (f *fakeDaily) room(name string) *fakeRoom {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rooms[name]
}

func (f *fakeDaily) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	f.served = append(f.served, fakeRequest{Method: r.Method, Path: r.URL.RequestURI(), Auth: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type"), Body: body})
	var c *canned
	if len(f.queue) > 0 {
		c = &f.queue[0]
		f.queue = f.queue[1:]
	}
	key := f.apiKey
	f.mu.Unlock()
	if c != nil {
		for k, v := range c.header {
			w.Header().Set(k, v)
		}
		if c.header["Content-Type"] == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(c.status)
		_, _ = io.WriteString(w, c.body)
		return
	}
	switch auth := r.Header.Get("Authorization"); {
	case auth == "":
		dailyError(w, http.StatusBadRequest, "authorization-header-error", "no Authorization header")
		return
	case auth != "Bearer "+key:
		dailyError(w, http.StatusUnauthorized, "authentication-error", "Invalid API key")
		return
	}
	if _, pattern := f.mux.Handler(r); pattern == "" {
		dailyError(w, http.StatusNotFound, "not-found", "no such endpoint "+r.URL.Path)
		return
	}
	f.mux.ServeHTTP(w, r)
}

func dailyError(w http.ResponseWriter, status int, kind, info string) {
	writeJSON(w, status, map[string]string{"error": kind, "info": info})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// roomRequest is the body of POST /rooms and POST /rooms/:name.
type roomRequest struct {
	Name       *string         `json:"name"`
	Privacy    *string         `json:"privacy"`
	Properties json.RawMessage `json:"properties"`
}

// decodeRoom reads a room request, answering the error itself when it is bad.
func decodeRoom(w http.ResponseWriter, r *http.Request) (roomRequest, map[string]any, bool) {
	var req roomRequest
	d := json.NewDecoder(r.Body)
	d.UseNumber()
	if err := d.Decode(&req); err != nil {
		dailyError(w, http.StatusBadRequest, "json-parsing-error", err.Error())
		return req, nil, false
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		dailyError(w, http.StatusBadRequest, "invalid-request-error", "content-type must be application/json, got "+ct)
		return req, nil, false
	}
	if req.Privacy != nil && *req.Privacy != "public" && *req.Privacy != "private" {
		dailyError(w, http.StatusBadRequest, "invalid-request-error", "privacy must be public or private")
		return req, nil, false
	}
	props := map[string]any{}
	if len(req.Properties) > 0 {
		pd := json.NewDecoder(bytes.NewReader(req.Properties))
		pd.UseNumber()
		if err := pd.Decode(&props); err != nil {
			dailyError(w, http.StatusBadRequest, "invalid-request-error", "properties must be an object")
			return req, nil, false
		}
	}
	for k, v := range props {
		if !roomProperties[k] {
			dailyError(w, http.StatusBadRequest, "invalid-request-error", "unknown room property "+k)
			return req, nil, false
		}
		if k == "exp" {
			n, ok := v.(json.Number)
			if _, err := n.Int64(); !ok || err != nil {
				dailyError(w, http.StatusBadRequest, "invalid-request-error", "exp must be an integer number of seconds")
				return req, nil, false
			}
		}
	}
	return req, props, true
}

func (f *fakeDaily) domain(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"domain_name": fakeDomain,
		"domain_id":   "2c0a5f4c-2a1b-4f0e-9a3b-7d6e5c4b3a21",
		"config":      map[string]any{"enable_prejoin_ui": false},
	})
}

func (f *fakeDaily) createRoom(w http.ResponseWriter, r *http.Request) {
	req, props, ok := decodeRoom(w, r)
	if !ok {
		return
	}
	name := randomName()
	if req.Name != nil {
		name = *req.Name
	}
	privacy := "public"
	if req.Privacy != nil {
		privacy = *req.Privacy
	}
	room := &fakeRoom{
		ID: randomName(), Name: name, APICreate: true, Privacy: privacy,
		URL:       fmt.Sprintf("https://%s.daily.co/%s", fakeDomain, name),
		CreatedAt: time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		Config:    props,
	}
	f.mu.Lock()
	if f.rooms[name] != nil {
		f.mu.Unlock()
		dailyError(w, http.StatusBadRequest, "invalid-request-error", "a room named "+name+" already exists")
		return
	}
	f.rooms[name] = room
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, room)
}

func (f *fakeDaily) updateRoom(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	req, props, ok := decodeRoom(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	room := f.rooms[name]
	if room == nil {
		dailyError(w, http.StatusNotFound, "not-found", "room "+name+" not found")
		return
	}
	if req.Privacy != nil {
		room.Privacy = *req.Privacy
	}
	for k, v := range props {
		room.Config[k] = v
	}
	writeJSON(w, http.StatusOK, room)
}

func (f *fakeDaily) deleteRoom(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rooms[name] == nil {
		dailyError(w, http.StatusNotFound, "not-found", "room "+name+" not found")
		return
	}
	delete(f.rooms, name)
	writeJSON(w, http.StatusOK, map[string]any{"deleted": true, "name": name})
}

// randomName is a Daily-style generated room name: 20 letters and digits.
func randomName() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
