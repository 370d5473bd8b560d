"""ctxvec.lasso: non-negative LASSO solvers (working-set FISTA, reference solvers, at-most-K-terms search)."""
