import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SocketWriter } from '../../../src/bgp/socket-writer.js';

/** A socket whose write() says "full" while `full` is set. */
class FakeSocket extends EventEmitter {
  written: number[] = [];
  full = false;
  write(b: Uint8Array): boolean {
    this.written.push(b[0]!);
    return !this.full;
  }
  drain(): void {
    this.full = false;
    this.emit('drain');
  }
}

const msg = (tag: number, size = 10) => {
  const b = new Uint8Array(size);
  b[0] = tag;
  return b;
};

function setup(max = 100) {
  const socket = new FakeSocket();
  const overflows: number[] = [];
  const w = new SocketWriter(socket as unknown as Socket, { maxQueuedBytes: max, onOverflow: (q) => overflows.push(q) });
  return { socket, w, overflows };
}

describe('SocketWriter', () => {
  it('writes straight through while the socket keeps up', () => {
    const { socket, w } = setup();
    expect(w.write(msg(1))).toBe(true);
    expect(w.write(msg(2))).toBe(true);
    expect(socket.written).toEqual([1, 2]);
  });

  it('queues after write() said false, in order, until drain', async () => {
    const { socket, w } = setup();
    socket.full = true;
    expect(w.write(msg(1))).toBe(false);
    expect(w.write(msg(2))).toBe(false);
    expect(w.write(msg(3))).toBe(false);
    expect(socket.written).toEqual([1]);
    expect(w.queuedBytes).toBe(20);
    let writable = false;
    const p = w.whenWritable().then(() => (writable = true));
    await Promise.resolve();
    expect(writable).toBe(false);
    socket.drain();
    await p;
    expect(socket.written).toEqual([1, 2, 3]);
    expect(w.queuedBytes).toBe(0);
    expect(w.write(msg(4))).toBe(true);
  });

  it('stops flushing when the socket fills up again during drain', () => {
    const { socket, w } = setup();
    socket.full = true;
    w.write(msg(1));
    w.write(msg(2));
    w.write(msg(3));
    socket.full = false;
    socket.write = function (b: Uint8Array) {
      this.written.push(b[0]!);
      return b[0] !== 2;
    };
    socket.emit('drain');
    expect(socket.written).toEqual([1, 2]);
    expect(w.writable).toBe(false);
    expect(w.queuedBytes).toBe(10);
  });

  it('reports an overflow once and drops what does not fit', () => {
    const { socket, w, overflows } = setup(25);
    socket.full = true;
    w.write(msg(1));
    w.write(msg(2));
    w.write(msg(3));
    w.write(msg(4));
    w.write(msg(5));
    expect(overflows).toEqual([20]);
    expect(w.queuedBytes).toBe(20);
  });

  it('sends a final message ahead of the queue and releases waiters on close', async () => {
    const { socket, w } = setup();
    socket.full = true;
    w.write(msg(1));
    w.write(msg(2));
    const waiting = w.whenWritable();
    w.writeFinal(msg(9));
    expect(socket.written).toEqual([1, 9]);
    w.close();
    await waiting;
    expect(w.write(msg(3))).toBe(false);
    socket.drain();
    expect(socket.written).toEqual([1, 9]);
  });
});
