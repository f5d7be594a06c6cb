package plugin

import (
	"context"

	"github.com/cxlive/genesyscloud-datasource/pkg/auth"
	"github.com/cxlive/genesyscloud-datasource/pkg/genesys"
	"github.com/cxlive/genesyscloud-datasource/pkg/names"
	"github.com/cxlive/genesyscloud-datasource/pkg/refill"
	"github.com/cxlive/genesyscloud-datasource/pkg/restbudget"
)

// budgeted runs one background REST call within the shared budget: it waits for a
// request token, and a 429 holds every background caller for its Retry-After.
func budgeted[T any](ctx context.Context, b *restbudget.Budget, fn func() (T, error)) (T, error) {
	if err := b.Wait(ctx); err != nil {
		var zero T
		return zero, err
	}
	v, err := fn()
	b.Hold(genesys.RetryAfter(err))
	return v, err
}

// refillFetcher makes the refill's REST calls with a checked token, within the budget.
type refillFetcher struct {
	src    *auth.Source
	api    *genesys.Client
	budget *restbudget.Budget
}

var _ refill.Fetcher = (*refillFetcher)(nil)

func (f *refillFetcher) Observations(ctx context.Context, ids, metrics []string) ([]genesys.ObservationResult, error) {
	return budgeted(ctx, f.budget, func() ([]genesys.ObservationResult, error) {
		return withToken(ctx, f.src, func(tok string) ([]genesys.ObservationResult, error) {
			return f.api.QueueObservations(ctx, tok, ids, metrics)
		})
	})
}

func (f *refillFetcher) Aggregates(ctx context.Context, interval string, ids, metrics []string) ([]genesys.AggregateResult, error) {
	return budgeted(ctx, f.budget, func() ([]genesys.AggregateResult, error) {
		return withToken(ctx, f.src, func(tok string) ([]genesys.AggregateResult, error) {
			return f.api.QueueAggregates(ctx, tok, interval, ids, metrics)
		})
	})
}

func (f *refillFetcher) Users(ctx context.Context, ids []string) ([]genesys.UserState, error) {
	return budgeted(ctx, f.budget, func() ([]genesys.UserState, error) {
		return withToken(ctx, f.src, func(tok string) ([]genesys.UserState, error) {
			return f.api.UsersByID(ctx, tok, ids)
		})
	})
}

// budgetedLister is the name directory's lister within the same budget as the refill.
type budgetedLister struct {
	next   names.Lister
	budget *restbudget.Budget
}

func (l budgetedLister) Queues(ctx context.Context, name string, page, size int) (genesys.Page, error) {
	return budgeted(ctx, l.budget, func() (genesys.Page, error) { return l.next.Queues(ctx, name, page, size) })
}

func (l budgetedLister) Users(ctx context.Context, page, size int) (genesys.Page, error) {
	return budgeted(ctx, l.budget, func() (genesys.Page, error) { return l.next.Users(ctx, page, size) })
}
