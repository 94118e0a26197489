// Read a GraphML and/or a GEXF file with graphology (the parsers behind Gephi Lite) and print,
// as JSON, what they found: counts, edge types and a few attributes for the tests to compare.
// Usage: node read.js graphml FILE  |  node read.js gexf FILE
'use strict';
const fs = require('fs');
const Graph = require('graphology');
const graphml = require('graphology-graphml');
const gexf = require('graphology-gexf');

function summary(graph) {
  const nodes = {};
  graph.forEachNode((key, attrs) => { nodes[key] = attrs; });
  const edges = {};
  graph.forEachEdge((key, attrs, source, target) => { edges[key] = { source, target, attrs }; });
  return { type: graph.type, multi: graph.multi, order: graph.order, size: graph.size, nodes, edges };
}

const [fmt, file] = process.argv.slice(2);
const text = fs.readFileSync(file, 'utf8');
const parser = fmt === 'gexf' ? gexf : graphml;
const graph = parser.parse(Graph, text);
process.stdout.write(JSON.stringify(summary(graph)));
