// Package generator models a contact centre (queues, agents, conversations) and turns its
// changes into realistic Genesys notification events. It is deterministic for a seed and
// a sequence of Step times, and knows nothing about sockets.
package generator

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Queue is an ACD queue of the simulated organisation.
type Queue struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	MediaType   string   `json:"-"` // the queue's main media type
	MemberIDs   []string `json:"-"`
	Weight      float64  `json:"-"` // share of arrivals
}

// Agent is a user who takes conversations from queues.
type Agent struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Email      string   `json:"email"`
	Title      string   `json:"title"`
	Department string   `json:"department"`
	QueueIDs   []string `json:"-"`
}

// Population is the seeded set of queues and agents.
type Population struct {
	DivisionID string
	Queues     []Queue
	Agents     []Agent
}

var queueNames = []string{"Sales", "Customer Support", "Billing", "Technical Support - Tier 1", "Technical Support - Tier 2",
	"Retention", "Claims", "VIP Care", "Support (Spanish)", "Returns & Refunds", "Onboarding", "Collections",
	"Appointments", "Complaints", "Partner Desk", "Outbound Callbacks"}

var firstNames = []string{"Alice", "Bruno", "Chloé", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal",
	"Katarina", "Liam", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wei", "Yara", "Zoe"}

var lastNames = []string{"Martin", "Okafor", "Schmidt", "Tanaka", "Rossi", "Nguyen", "Silva", "Dubois", "Kowalski",
	"Haddad", "Murphy", "Larsen", "Fernández", "Novak", "Ibrahim", "Chen", "O'Brien", "Costa", "Jensen", "Patel"}

var mediaTypes = []string{"voice", "voice", "voice", "chat", "message", "email", "callback"}

// NewPopulation builds queues and agents deterministically from seed.
func NewPopulation(seed int64, queues, agents int) Population {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	p := Population{DivisionID: uuid(rng)}
	for i := 0; i < queues; i++ {
		name := queueNames[i%len(queueNames)]
		if i >= len(queueNames) {
			name = fmt.Sprintf("%s %d", name, i/len(queueNames)+1)
		}
		mt := "voice"
		if i > 0 {
			mt = mediaTypes[rng.IntN(len(mediaTypes))]
		}
		p.Queues = append(p.Queues, Queue{ID: uuid(rng), Name: name, MediaType: mt,
			Description: "Simulated " + strings.ToLower(name) + " queue", Weight: 0.5 + rng.Float64()})
	}
	for i := 0; i < agents; i++ {
		first, last := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
		a := Agent{ID: uuid(rng), Name: first + " " + last, Title: "Contact Centre Agent", Department: "Customer Care",
			Email: fmt.Sprintf("%s.%s%d@example.com", asciiLower(first), asciiLower(last), i+1)}
		if queues > 0 {
			// every queue gets at least one member, then 0-2 more random queues
			own := []int{i % queues}
			for k := rng.IntN(3); k > 0; k-- {
				q := rng.IntN(queues)
				if q != own[0] && (len(own) < 2 || q != own[1]) {
					own = append(own, q)
				}
			}
			for _, q := range own {
				a.QueueIDs = append(a.QueueIDs, p.Queues[q].ID)
				p.Queues[q].MemberIDs = append(p.Queues[q].MemberIDs, a.ID)
			}
		}
		p.Agents = append(p.Agents, a)
	}
	return p
}

func asciiLower(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func uuid(rng *rand.Rand) string {
	a, b := rng.Uint64(), rng.Uint64()
	a = a&^(0xf<<12) | 0x4<<12 // version 4
	b = b&^(0x3<<62) | 0x2<<62 // RFC 4122 variant
	h := fmt.Sprintf("%016x%016x", a, b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
