package session

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func signedJWT(t *testing.T, exp time.Time) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"exp": exp.Unix(), "sub": "x"}).SignedString([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
