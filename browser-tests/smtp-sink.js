// A local SMTP listener for the browser tests: a real server on 127.0.0.1
// that Onward sends to over TCP (EHLO, MAIL, RCPT, DATA with dot unstuffing,
// RSET, NOOP, QUIT), keeping each message it takes. The Rust tests' sink is
// onward_test_support::smtp; this is its counterpart in Node, so a browser test
// can start one beside `onward serve`.
//
// `hold()` makes it keep each message's final answer (the 250 after DATA)
// until `release()`: messages still being sent stay "queued" on the campaign
// page, so a test can watch them turn into "sent" when they are let through.
import { createServer } from 'node:net';

/** Starts the listener on a free port; resolves with { port, messages, hold, release, stop }. */
export async function startSmtpSink() {
  const messages = [];
  const sockets = new Set();
  let held = false;
  const waiting = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setEncoding('utf8');
    const say = (line) => {
      if (!socket.destroyed) socket.write(`${line}\r\n`);
    };
    let buffered = '';
    let envelope = { from: '', to: [] };
    let data = null;
    const command = (line) => {
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') {
        say('250-onward-test-sink');
        say('250-8BITMIME');
        say('250 SMTPUTF8');
      } else if (verb === 'HELO') {
        say('250 onward-test-sink');
      } else if (verb === 'MAIL') {
        envelope = { from: line.slice(line.indexOf(':') + 1).trim(), to: [] };
        say('250 OK');
      } else if (verb === 'RCPT') {
        envelope.to.push(line.slice(line.indexOf(':') + 1).trim());
        say('250 OK');
      } else if (verb === 'DATA') {
        data = [];
        say('354 End data with <CR><LF>.<CR><LF>');
      } else if (verb === 'RSET') {
        envelope = { from: '', to: [] };
        say('250 OK');
      } else if (verb === 'NOOP') {
        say('250 OK');
      } else if (verb === 'QUIT') {
        say('221 Bye');
        socket.end();
      } else {
        say('502 Command not implemented');
      }
    };
    const endOfData = () => {
      const message = { from: envelope.from, to: envelope.to, data: data.join('\r\n') };
      data = null;
      envelope = { from: '', to: [] };
      const accept = () => {
        messages.push(message);
        say('250 OK: queued');
      };
      if (held) waiting.push(accept);
      else accept();
    };
    socket.on('data', (chunk) => {
      buffered += chunk;
      let end;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (data === null) command(line);
        else if (line === '.') endOfData();
        else data.push(line.startsWith('.') ? line.slice(1) : line);
      }
    });
    say('220 onward-test-sink ESMTP');
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    /** Every message taken so far: { from, to: [..], data }. */
    messages,
    /** From now on, keep each message's final answer until `release()`. */
    hold: () => {
      held = true;
    },
    /** Answers every message kept so far, and takes the next ones at once. */
    release: () => {
      held = false;
      for (const accept of waiting.splice(0)) accept();
    },
    /** How many messages are waiting for their answer. */
    heldCount: () => waiting.length,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
