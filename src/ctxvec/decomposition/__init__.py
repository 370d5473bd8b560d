"""ctxvec.decomposition."""
