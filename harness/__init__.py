"""The scenario harness: user stories run many times against the twins, judged, summarised as satisfaction."""
