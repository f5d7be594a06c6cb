package simulator

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// Fields a real organisation has filled and the model does not need (who created a queue
// and when, a user's chat address and phone): derived from the population seed and the
// entity's id by hashing, so they are stable for a seed without drawing from the model's
// random source (which would change every generated event).

// seeded hashes the seed and parts into 32 bytes.
func (s *Server) seeded(parts ...string) [32]byte {
	h := sha256.New()
	h.Write([]byte(strconv.FormatInt(s.cfg.Seed, 10)))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// seededUUID is a version-4-shaped UUID from the seed and parts.
func (s *Server) seededUUID(parts ...string) string {
	b := s.seeded(parts...)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// seededN is a number in [0, n) from the seed and parts.
func (s *Server) seededN(n uint64, parts ...string) uint64 {
	b := s.seeded(parts...)
	return binary.BigEndian.Uint64(b[:8]) % n
}

// orgEpoch is when the simulated organisation's configuration starts: queues were created
// within a year after it and last modified within half a year after that, all before any
// simulated traffic.
var orgEpoch = time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)

// adminID is the user who created and edits the queues (an administrator, not an agent).
func (s *Server) adminID() string { return s.seededUUID("admin") }

// queueAudit is a queue's dateCreated, dateModified, createdBy and modifiedBy.
func (s *Server) queueAudit(queueID string) map[string]any {
	created := orgEpoch.Add(time.Duration(s.seededN(365*24*3600, "created", queueID)) * time.Second)
	modified := created.Add(time.Duration(s.seededN(182*24*3600, "modified", queueID)) * time.Second)
	return map[string]any{"dateCreated": isoTime(created), "dateModified": isoTime(modified),
		"createdBy": s.adminID(), "modifiedBy": s.adminID()}
}

// userContacts is a user's chat, primaryContactInfo and addresses (platform SDKs' Chat and
// Contact): a jabber id, the e-mail as the primary contact, a work phone.
func (s *Server) userContacts(userID, email string) map[string]any {
	b := s.seeded("jabber", userID)
	n := s.seededN(10000, "phone", userID)
	phone := fmt.Sprintf("+1317555%04d", n)
	return map[string]any{
		"chat":               map[string]any{"jabberId": hex.EncodeToString(b[:12]) + "@simulated-org.orgspan.com"},
		"primaryContactInfo": []any{map[string]any{"address": email, "mediaType": "EMAIL", "type": "PRIMARY"}},
		"addresses": []any{map[string]any{"address": phone, "display": fmt.Sprintf("+1 317-555-%04d", n),
			"mediaType": "PHONE", "type": "WORK", "countryCode": "US"}},
	}
}
