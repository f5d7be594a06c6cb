package plugin

import "errors"

// errNoFramer: this build has no frame builder (pkg/frames not yet wired).
var errNoFramer = errors.New("this plugin build cannot build frames yet (pkg/frames missing)")

// newFramer returns the frame builder (pkg/frames).
func newFramer() framer { return nil }
