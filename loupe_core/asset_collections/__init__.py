"""Collections (lightboxes): people's named sets of assets, shared with groups, read under each viewer's permissions."""
