// Content-addressed step ids, graph walks, and the text/JSON/DOT/Mermaid renderers.
import { describe, expect, it } from 'vitest';
import {
  canonicalJson, filesystemInputs, historyChain, renderDot, renderJson, renderMermaid, renderText, stepIdOf, topologicalOrder,
} from '../../src/planner/index.js';
import { plan } from './helpers.js';

const TWO_STAGES = 'FROM alpine AS build\nRUN echo "quoted" > /out\nFROM scratch\nCOPY --from=build /out /out';

describe('content-addressed step ids', () => {
  it('canonical JSON sorts keys and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined], c: undefined } })).toBe('{"a":{"d":[1,null]},"b":1}');
  });

  it('gives equal definitions equal ids and different ones different ids', async () => {
    const a = await plan('FROM alpine\nRUN echo hi');
    const b = await plan('FROM alpine\n\n# a comment changes nothing\nRUN echo hi');
    const c = await plan('FROM alpine\nRUN echo bye');
    expect(b.plan.targets).toEqual(a.plan.targets);
    expect(c.plan.targets['linux/amd64']).not.toBe(a.plan.targets['linux/amd64']);
    for (const step of Object.values(a.plan.steps)) expect(step.id).toBe(stepIdOf(step.op, step.inputs));
  });

  it('keeps metadata-only steps apart when their instructions differ', async () => {
    const { plan: p } = await plan('FROM alpine AS a\nARG A\nFROM alpine AS b\nARG B\nFROM scratch\nCOPY --from=a /x /x\nCOPY --from=b /x /y');
    const configs = Object.values(p.steps).filter((s) => s.op.kind === 'config');
    expect(configs.map((s) => s.op.kind === 'config' && s.op.createdBy).sort()).toEqual(['ARG A', 'ARG B']);
  });

  it('shares equal steps between stages', async () => {
    const { plan: p } = await plan('FROM alpine AS a\nRUN make\nFROM alpine AS b\nRUN make\nFROM scratch\nCOPY --from=a /x /x\nCOPY --from=b /x /y');
    expect(Object.values(p.steps).filter((s) => s.op.kind === 'exec')).toHaveLength(1);
  });
});

describe('renderers', () => {
  it('JSON round-trips to the same plan', async () => {
    const { plan: p } = await plan(TWO_STAGES);
    expect(JSON.parse(renderJson(p))).toEqual(JSON.parse(JSON.stringify(p)));
  });

  it('text shows stages, steps with their lines, and targets', async () => {
    const { plan: p } = await plan(TWO_STAGES);
    const text = renderText(p);
    expect(text).toMatch(/^stage 0 \(build\)\n/);
    expect(text).toMatch(/exec \["\/bin\/sh","-c","echo \\"quoted\\" > \/out"\] {2}\(Dockerfile:2\)/);
    expect(text).toMatch(/\ntargets\n {2}linux\/amd64 -> [0-9a-f]{12}\n$/);
  });

  it('DOT has a cluster per stage, escaped labels and an edge per input', async () => {
    const { plan: p } = await plan(TWO_STAGES);
    const dot = renderDot(p);
    expect(dot).toMatch(/^digraph plan \{/);
    expect(dot.match(/subgraph cluster_/g)).toHaveLength(2);
    expect(dot).toContain('echo \\\\\\"quoted\\\\\\"');
    const edges = Object.values(p.steps).reduce((n, s) => n + s.inputs.length, 0);
    expect(dot.match(/" -> "/g)).toHaveLength(edges + 1);
  });

  it('Mermaid has a subgraph per stage and entity-escaped labels', async () => {
    const { plan: p } = await plan(TWO_STAGES);
    const mermaid = renderMermaid(p);
    expect(mermaid).toMatch(/^flowchart TD\n/);
    expect(mermaid.match(/subgraph stage\d/g)).toHaveLength(2);
    expect(mermaid).toContain('echo \\&quot;quoted\\&quot;');
    expect(mermaid).not.toMatch(/\["[^\]]*[^;]"[^\]]*"\]/);
  });
});

describe('graph walks', () => {
  it('orders steps after their inputs and looks through config steps for filesystem inputs', async () => {
    const { plan: p } = await plan('FROM alpine AS a\nRUN one\nFROM alpine\nLABEL x=1\nENV A=1\nCOPY --from=a /x /x\nCMD ["x"]');
    const order = topologicalOrder(p);
    expect(order).toHaveLength(Object.keys(p.steps).length);
    for (const [i, id] of order.entries()) {
      for (const input of p.steps[id]!.inputs) expect(order.indexOf(input)).toBeLessThan(i);
    }
    const copy = Object.values(p.steps).find((s) => s.op.kind === 'file')!;
    const source = Object.values(p.steps).find((s) => s.op.kind === 'source')!;
    expect(p.steps[copy.inputs[0]!]!.op.kind).toBe('config');
    expect(filesystemInputs(p, copy)[0]).toBe(source.id);
    expect(historyChain(p, p.targets['linux/amd64']!).map((s) => s.op.kind)).toEqual(['source', 'config', 'config', 'file', 'config']);
  });

  it('keeps a RUN filesystem key when only a LABEL above it changes', async () => {
    const a = await plan('FROM alpine\nLABEL v=1\nRUN make');
    const b = await plan('FROM alpine\nLABEL v=2\nRUN make');
    const runOf = (p: typeof a.plan) => Object.values(p.steps).find((s) => s.op.kind === 'exec')!;
    expect(runOf(a.plan).id).not.toBe(runOf(b.plan).id);
    expect(filesystemInputs(a.plan, runOf(a.plan))).toEqual(filesystemInputs(b.plan, runOf(b.plan)));
  });
});
