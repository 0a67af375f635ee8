"""The catalogue site: static pages for people browsing a local or S3 catalogue (`cdx site`)."""
