"""ctxvec.structure."""
