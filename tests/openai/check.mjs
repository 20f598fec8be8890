// Runs the official OpenAI Node SDK against coze-serve (tests/e2e/ServeTest.java): each scenario named
// on the command line, its result as one JSON object on stdout.
// node check.mjs BASE_URL API_KEY SCENARIO...
import OpenAI from 'openai';

const [base, key, ...scenarios] = process.argv.slice(2);
const client = new OpenAI({ baseURL: base, apiKey: key, maxRetries: 0, timeout: 60_000 });

async function failure(call) {
  try {
    await call();
    return { thrown: false };
  } catch (e) {
    return { thrown: true, name: e.constructor.name, status: e.status, code: e.code, type: e.type, message: e.message };
  }
}

async function streamed(model, text, includeUsage) {
  const stream = await client.chat.completions.create({
    model, stream: true, messages: [{ role: 'user', content: text }],
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });
  const out = { content: '', reasoning: '', chunks: 0, finish: null, usage: null, roles: [] };
  for await (const chunk of stream) {
    out.chunks++;
    if (chunk.usage) out.usage = chunk.usage;
    for (const c of chunk.choices) {
      if (c.delta.role) out.roles.push(c.delta.role);
      out.content += c.delta.content ?? '';
      out.reasoning += c.delta.reasoning_content ?? '';
      if (c.finish_reason) out.finish = c.finish_reason;
    }
  }
  return out;
}

const run = {
  async models() {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    return { ids, byName: (await client.models.retrieve('Echo')).id };
  },
  async whole() {
    const r = await client.chat.completions.create({
      model: 'Echo', user: 'openai-user',
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'first' },
        { role: 'assistant', content: 'first' }, { role: 'user', content: [{ type: 'text', text: 'hello ' }, { type: 'text', text: 'there' }] }],
    });
    return { object: r.object, content: r.choices[0].message.content, role: r.choices[0].message.role,
      finish: r.choices[0].finish_reason, usage: r.usage };
  },
  async sent() {
    const r = await client.chat.completions.create({
      model: 'Variables', user: 'openai-user',
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'first' },
        { role: 'assistant', content: 'first answer' }, { role: 'user', content: 'second' }],
    });
    return JSON.parse(r.choices[0].message.content);
  },
  async image() {
    const pixel = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const ask = async content => (await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content }] }))
      .choices[0].message.content;
    return {
      uploaded: await ask([{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: pixel } }]),
      linked: await ask([{ type: 'text', text: 'and this?' }, { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }]),
      file: await ask([{ type: 'text', text: 'read it' }, { type: 'file', file: { filename: 'notes.txt', file_data: 'data:text/plain;base64,aGVsbG8=' } }]),
    };
  },
  stream: () => streamed('reasoner', 'why?', true),
  streamNoUsage: () => streamed('echo', 'no usage please', false),
  async abort() {
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'abcdef' }] },
      { signal: controller.signal });
    let first = '';
    const aborted = await failure(async () => {
      for await (const chunk of stream) {
        first += chunk.choices[0]?.delta?.content ?? '';
        if (first) controller.abort();
      }
    });
    return { first, aborted: aborted.name };
  },
  badKey: () => failure(() => new OpenAI({ baseURL: base, apiKey: 'wrong', maxRetries: 0 }).models.list()),
  unknownModel: () => failure(() => client.chat.completions.create({ model: 'no-such-bot', messages: [{ role: 'user', content: 'x' }] })),
  badRequest: () => failure(() => client.chat.completions.create({ model: 'echo', messages: [] })),
  async concurrent() {
    const texts = Array.from({ length: 50 }, (_, i) => `stream number ${i}`);
    const results = await Promise.all(texts.map(t => streamed('echo', t, false)));
    return { complete: results.filter((r, i) => r.content === texts[i] && r.finish === 'stop').length };
  },
};

const results = {};
for (const s of scenarios) results[s] = await run[s]();
console.log(JSON.stringify(results));
