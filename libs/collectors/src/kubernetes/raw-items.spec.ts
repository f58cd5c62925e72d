import { describe, expect, it } from 'vitest';
import { rawListItems } from './raw-items';

describe('rawListItems', () => {
  it('returns each item exactly as written, escapes and spacing included', () => {
    const a = '{"metadata":{"name":"a","annotations":{"x":"\\u003cb\\u003e \\"q\\" [}{]"}},"spec":{"podSelector":{}}}';
    const b = '{ "metadata": { "name": "b" },\n  "spec": { "podSelector": { "matchLabels": { "app": "web" } } } }';
    const text = `{"kind":"NetworkPolicyList","apiVersion":"networking.k8s.io/v1","metadata":{"resourceVersion":"7","continue":"x"},"items":[${a}, ${b}]}`;
    const items = rawListItems(text)!;
    expect(items).toEqual([a, b]);
    expect(items.map((t) => JSON.parse(t))).toEqual(JSON.parse(text).items);
  });

  it('handles items before metadata, empty lists and non-lists', () => {
    expect(rawListItems('{"items":[],"kind":"PodList"}')).toEqual([]);
    expect(rawListItems('{"items":[1,"s",null,{"a":[1,2]}],"kind":"X"}')).toEqual(['1', '"s"', 'null', '{"a":[1,2]}']);
    expect(rawListItems('{"kind":"Status"}')).toBeNull();
    expect(rawListItems('[1,2]')).toBeNull();
  });
});
