package runtime

// idleList is the engine's list of idle instances, most recently used at
// the front. It links the instances themselves, so returning an instance
// to its pool allocates nothing (container/list allocates an element on
// every push, on the hot path of every call).
type idleList struct {
	front, back *instance
	n           int
}

func (l *idleList) pushFront(in *instance) {
	in.prev, in.next, in.idle = nil, l.front, true
	if l.front != nil {
		l.front.prev = in
	} else {
		l.back = in
	}
	l.front = in
	l.n++
}

func (l *idleList) remove(in *instance) {
	if !in.idle {
		return
	}
	if in.prev != nil {
		in.prev.next = in.next
	} else {
		l.front = in.next
	}
	if in.next != nil {
		in.next.prev = in.prev
	} else {
		l.back = in.prev
	}
	in.prev, in.next, in.idle = nil, nil, false
	l.n--
}
