// Drives coze-mock with the official Node SDK (@coze/api), the way an SDK user talks to Coze:
// PKCE login, refresh rotation, a streamed chat, a polled chat and a conversation.
// Usage: node check.mjs BASE_URL   (the mock must run with --auto-approve)
// Prints one JSON object with what the SDK saw; the Java test (SdkTest) judges it.
import { CozeAPI, getPKCEAuthenticationUrl, getPKCEOAuthToken, refreshOAuthToken } from '@coze/api';

const baseURL = process.argv[2];
const clientId = 'sdk.app.coze';
const redirectUrl = 'http://127.0.0.1:9/callback';
const seen = {};

const errorOf = async (promise) => {
  try {
    await promise;
    return null;
  } catch (e) {
    return { name: e.name, code: e.code ?? null, error: e.rawError?.error_code ?? null };
  }
};

const { url, codeVerifier } = await getPKCEAuthenticationUrl({ baseURL, clientId, redirectUrl, state: 'sdk-state' });
const approve = await fetch(url, { redirect: 'manual' });
const callback = new URL(approve.headers.get('location'));
seen.callback = { status: approve.status, state: callback.searchParams.get('state'), hasCode: !!callback.searchParams.get('code') };
const code = callback.searchParams.get('code');

seen.wrongVerifier = await errorOf(getPKCEOAuthToken({ baseURL, clientId, redirectUrl, code, codeVerifier: 'x'.repeat(43) }));

// The wrong verifier spent that code (codes are single-use), so log in again.
const second = await getPKCEAuthenticationUrl({ baseURL, clientId, redirectUrl });
const code2 = new URL((await fetch(second.url, { redirect: 'manual' })).headers.get('location')).searchParams.get('code');
const token = await getPKCEOAuthToken({ baseURL, clientId, redirectUrl, code: code2, codeVerifier: second.codeVerifier });
seen.token = { type: token.token_type, accessToken: typeof token.access_token, refreshToken: typeof token.refresh_token,
  expiresIn: token.expires_in, absoluteExpiry: token.expires_in > Date.now() / 1000 };

const refreshed = await refreshOAuthToken({ baseURL, clientId, refreshToken: token.refresh_token });
seen.rotated = refreshed.refresh_token !== token.refresh_token && refreshed.access_token !== token.access_token;
seen.reuse = await errorOf(refreshOAuthToken({ baseURL, clientId, refreshToken: token.refresh_token }));

const login2 = await getPKCEAuthenticationUrl({ baseURL, clientId, redirectUrl });
const code3 = new URL((await fetch(login2.url, { redirect: 'manual' })).headers.get('location')).searchParams.get('code');
const live = await getPKCEOAuthToken({ baseURL, clientId, redirectUrl, code: code3, codeVerifier: login2.codeVerifier });
const client = new CozeAPI({ token: live.access_token, baseURL });

const message = 'hello, 你好 🌏: a: b';
seen.events = [];
seen.answer = '';
for await (const part of await client.chat.stream({
  bot_id: 'echo', user_id: 'sdk-user',
  additional_messages: [{ role: 'user', content: message, content_type: 'text' }],
})) {
  seen.events.push(part.event);
  if (part.event === 'conversation.message.delta' && part.data.type === 'answer') seen.answer += part.data.content;
  if (part.event === 'conversation.chat.completed') seen.usage = part.data.usage;
  if (part.event === 'conversation.chat.created') seen.conversationId = part.data.conversation_id;
}
seen.sent = message;

const polled = await client.chat.createAndPoll({
  bot_id: 'echo', user_id: 'sdk-user', conversation_id: seen.conversationId,
  additional_messages: [{ role: 'user', content: 'polled', content_type: 'text' }],
});
seen.polled = { status: polled.chat.status, answers: polled.messages.filter((m) => m.type === 'answer').map((m) => m.content) };

const history = await client.conversations.messages.list(seen.conversationId);
seen.history = history.data.map((m) => `${m.role}:${m.type}`);
seen.unknownBot = await errorOf(client.chat.create({ bot_id: 'no-such-bot', user_id: 'u',
  additional_messages: [{ role: 'user', content: 'x', content_type: 'text' }] }));
seen.badToken = await errorOf(new CozeAPI({ token: 'czs_wrong', baseURL }).conversations.create({}));

console.log(JSON.stringify(seen));
