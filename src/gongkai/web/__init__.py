"""The web workbench (`gongkai serve`): server-rendered pages and a JSON API over the store."""
