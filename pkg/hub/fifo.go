package hub

// fifo is a growable ring buffer: push at the back, pop at the front, index from the
// front, all O(1) amortised. It shrinks when mostly empty so a burst does not pin
// memory for ever.
type fifo[T any] struct {
	buf  []T
	head int
	n    int
}

func (f *fifo[T]) Len() int { return f.n }

func (f *fifo[T]) At(i int) T { return f.buf[(f.head+i)%len(f.buf)] }

// Ptr gives access to an element in place.
func (f *fifo[T]) Ptr(i int) *T { return &f.buf[(f.head+i)%len(f.buf)] }

func (f *fifo[T]) Push(v T) {
	if f.n == len(f.buf) {
		f.resize(max(16, 2*len(f.buf)))
	}
	f.buf[(f.head+f.n)%len(f.buf)] = v
	f.n++
}

func (f *fifo[T]) Front() T { return f.buf[f.head] }

func (f *fifo[T]) Pop() T {
	var zero T
	v := f.buf[f.head]
	f.buf[f.head] = zero // release what it referenced
	f.head = (f.head + 1) % len(f.buf)
	f.n--
	if len(f.buf) > 64 && f.n < len(f.buf)/4 {
		f.resize(len(f.buf) / 2)
	}
	return v
}

func (f *fifo[T]) resize(size int) {
	nb := make([]T, size)
	for i := 0; i < f.n; i++ {
		nb[i] = f.buf[(f.head+i)%len(f.buf)]
	}
	f.buf, f.head = nb, 0
}

// Filter keeps the elements for which keep is true, in order.
func (f *fifo[T]) Filter(keep func(T) bool) {
	nb := make([]T, 0, max(16, f.n))
	for i := 0; i < f.n; i++ {
		if v := f.At(i); keep(v) {
			nb = append(nb, v)
		}
	}
	f.buf, f.head, f.n = nb[:cap(nb)], 0, len(nb)
}
