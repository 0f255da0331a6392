import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

// Bodies are Markdown written by members and shown by partner websites: whatever HTML the Markdown
// carries (raw tags are legal Markdown) is reduced to formatting and links, so no post can run a
// script on a partner's page, and links never pass the page's authority or `window.opener` on.
const markdown = new Marked({ gfm: true, breaks: true, async: false });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'title', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener nofollow' } }),
  },
};

/** The Markdown body as HTML safe to insert in any page. */
export function renderMarkdown(body: string): string {
  const html = markdown.parse(body) as string;
  return sanitizeHtml(html, SANITIZE).trim();
}
