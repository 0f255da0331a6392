import { describe, expect, it } from '@jest/globals';
import { renderMarkdown } from './markdown.js';

describe('renderMarkdown', () => {
  it('should render Markdown formatting and lists', () => {
    const html = renderMarkdown('**Atelier** du *mardi*\n\n- un\n- deux');
    expect(html).toContain('<strong>Atelier</strong>');
    expect(html).toContain('<em>mardi</em>');
    expect(html).toContain('<ul>');
  });

  it('should give every link rel="noopener nofollow", even one that tries to set its own rel', () => {
    expect(renderMarkdown('[BIJ](https://bij.example.org)')).toBe('<p><a href="https://bij.example.org" rel="noopener nofollow">BIJ</a></p>');
    expect(renderMarkdown('<a href="https://x.example" rel="opener" target="_blank">x</a>')).toContain('rel="noopener nofollow"');
    expect(renderMarkdown('<a href="https://x.example" target="_blank">x</a>')).not.toContain('target');
  });

  it('should drop scripts with their content, inline handlers and styles', () => {
    const html = renderMarkdown('Bonjour <script>alert(1)</script><img src=x onerror="alert(2)"> <b onclick="alert(3)">gras</b> <style>p{}</style><iframe src="https://x.example"></iframe>');
    expect(html).not.toMatch(/script|alert|onerror|onclick|<img|<style|<iframe/i);
    expect(html).toContain('gras');
  });

  it('should drop javascript: and data: URLs, however they are spelt', () => {
    for (const body of [
      '[clic](javascript:alert(1))',
      '<a href="javascript:alert(1)">clic</a>',
      '<a href="JaVaScRiPt:alert(1)">clic</a>',
      '<a href="jav&#x61;script:alert(1)">clic</a>',
      '<a href=" javascript:alert(1)">clic</a>',
      '<a href="data:text/html;base64,PHNjcmlwdD4=">clic</a>',
    ]) {
      const html = renderMarkdown(body);
      expect(html).not.toMatch(/javascript|data:/i);
      expect(html).toContain('clic');
    }
  });
});
