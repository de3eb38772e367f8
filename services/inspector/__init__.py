"""The fleet inspector: one local page over every twin's control plane (`/_dtu/...`)."""
