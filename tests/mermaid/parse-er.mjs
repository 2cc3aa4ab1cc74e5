// Parse Mermaid erDiagram files with Mermaid's own parser and print what it read.
//
// Usage: node parse-er.mjs FILE...
// Prints one JSON array: per file its entities (name -> attributes) and its
// relationships (entity names, the cardinality at each end, identifying or
// not, label). Exits 1 when a file does not parse, after printing the error.

import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

// Mermaid sanitizes labels with DOMPurify, which needs a window.
const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;

const { default: mermaid } = await import('mermaid');

async function read(file) {
    const text = readFileSync(file, 'utf8');
    await mermaid.parse(text);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const names = new Map();
    const entities = {};
    for (const [name, entity] of diagram.db.getEntities()) {
        names.set(entity.id, name);
        entities[name] = entity.attributes.map((attribute) => ({
            type: attribute.type,
            name: attribute.name,
            keys: attribute.keys,
            comment: attribute.comment,
        }));
    }
    // Mermaid names the cardinality at entity B's end cardA, and the other cardB.
    const relationships = diagram.db.getRelationships().map((relation) => ({
        parent: names.get(relation.entityA),
        child: names.get(relation.entityB),
        parentCardinality: relation.relSpec.cardB,
        childCardinality: relation.relSpec.cardA,
        identifying: relation.relSpec.relType === 'IDENTIFYING',
        label: relation.roleA,
    }));
    return { file, type: diagram.type, entities, relationships };
}

const results = [];
for (const file of process.argv.slice(2)) {
    try {
        results.push(await read(file));
    } catch (error) {
        console.error(`${file}: ${error.message}`);
        process.exit(1);
    }
}
console.log(JSON.stringify(results));
