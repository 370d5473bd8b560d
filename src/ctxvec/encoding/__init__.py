"""ctxvec.encoding."""
