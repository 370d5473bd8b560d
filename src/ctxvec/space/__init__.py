"""ctxvec.space."""
