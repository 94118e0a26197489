"""The `graphsvc` command line: `main.main` puts together the subcommands of `seed`, `query`,
`export` and `serve`, which share `common`."""
