// Command goguest is a standard-Go wasip1 reactor used to check that metering
// leaves a real Go module's behaviour unchanged. The host writes a JSON
// calendar event through alloc and calls process, which decodes it, derives
// a few fields and returns the encoded result as ptr<<32 | len.
package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"unsafe"
)

func main() {}

type attendee struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	TimeZone string `json:"timeZone"`
}

type event struct {
	Title       string     `json:"title"`
	Start       string     `json:"startTime"`
	End         string     `json:"endTime"`
	Attendees   []attendee `json:"attendees"`
	Description string     `json:"description"`
}

type result struct {
	UID       string   `json:"uid"`
	Title     string   `json:"title"`
	Emails    []string `json:"emails"`
	Words     int      `json:"words"`
	Event     event    `json:"event"`
	Histogram [26]int  `json:"histogram"`
}

// pinned keeps buffers handed to the host alive.
var pinned = map[uintptr][]byte{}

//go:wasmexport alloc
func alloc(size int32) uint32 {
	buf := make([]byte, size)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	pinned[p] = buf
	return uint32(p)
}

//go:wasmexport free
func free(ptr uint32) {
	delete(pinned, uintptr(ptr))
}

//go:wasmexport process
func process(ptr, n uint32) uint64 {
	in := pinned[uintptr(ptr)][:n]
	var ev event
	var res result
	if err := json.Unmarshal(in, &ev); err != nil {
		res.Title = "error: " + err.Error()
	} else {
		h := fnv.New64a()
		h.Write([]byte(ev.Title + "|" + ev.Start + "|" + ev.End))
		res.UID = fmt.Sprintf("%016x", h.Sum64())
		res.Title = strings.ToTitle(ev.Title)
		for _, a := range ev.Attendees {
			res.Emails = append(res.Emails, strings.ToLower(a.Email))
		}
		sort.Strings(res.Emails)
		res.Words = len(strings.Fields(ev.Description))
		for _, r := range strings.ToLower(ev.Description) {
			if r >= 'a' && r <= 'z' {
				res.Histogram[r-'a']++
			}
		}
		res.Event = ev
	}
	out, err := json.Marshal(res)
	if err != nil {
		out = []byte(`{"error":"marshal"}`)
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(out)))
	pinned[p] = out
	return uint64(p)<<32 | uint64(len(out))
}
