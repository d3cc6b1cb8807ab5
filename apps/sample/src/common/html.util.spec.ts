import { describe, expect, it } from 'vitest';
import { escapeHtml, markup } from './html.util.js';

describe('escapeHtml / markup', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('escapes interpolations but not nested html fragments, arrays included', () => {
    const inner = markup`<b>${'<i>'}</b>`;
    expect(markup`<p>${'<script>'}${inner}${['<', markup`<br>`]}</p>`.value).toBe(
      '<p>&lt;script&gt;<b>&lt;i&gt;</b>&lt;<br></p>',
    );
  });

  it('renders undefined and null as empty text', () => {
    expect(markup`${undefined}|${null}`.value).toBe('|');
  });
});
