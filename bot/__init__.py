"""peakbot: a self-hosted training bot for the last weeks before a marathon."""
