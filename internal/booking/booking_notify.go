package booking

import "sync"

// notifier wakes the requests waiting on a booking whenever one of its
// steps changes.
type notifier struct {
	mu sync.Mutex
	ch map[string]chan struct{}
}

func newNotifier() *notifier { return &notifier{ch: map[string]chan struct{}{}} }

// wait returns a channel closed at the next change of the booking. Take it
// before reading the state, so no change is missed.
func (n *notifier) wait(bookingID string) <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	c, ok := n.ch[bookingID]
	if !ok {
		c = make(chan struct{})
		n.ch[bookingID] = c
	}
	return c
}

// notify wakes the waiters of the booking.
func (n *notifier) notify(bookingID string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if c, ok := n.ch[bookingID]; ok {
		close(c)
		delete(n.ch, bookingID)
	}
}
