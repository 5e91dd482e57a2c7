"""The card view's pictures: media scaled and cached, made ready ahead, occlusion masks, formulas as images."""
