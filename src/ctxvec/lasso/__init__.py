"""ctxvec.lasso."""
