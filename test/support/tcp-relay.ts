import net from 'node:net';

/**
 * A TCP relay on 127.0.0.1 in front of a server: clients connect to the
 * relay's port, which pipes each connection to `target`. `cut()` drops every
 * open connection and refuses new ones (a device going offline), `restore()`
 * lets them through again, `retarget(port)` points new connections at
 * another server (a restarted one on a new port).
 */
export interface TcpRelay {
  port: number;
  /** http://127.0.0.1:<port><path> */
  url(path: string, protocol?: 'http' | 'ws'): string;
  cut(): void;
  restore(): void;
  retarget(port: number): void;
  /** Connections currently piped. */
  readonly open: number;
  close(): Promise<void>;
}

export async function startTcpRelay(targetPort: number): Promise<TcpRelay> {
  let target = targetPort;
  let offline = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (offline) return void client.destroy();
    const upstream = net.connect(target, '127.0.0.1');
    const pair = [client, upstream];
    for (const s of pair) {
      sockets.add(s);
      s.on('error', () => pair.forEach((p) => p.destroy()));
      s.on('close', () => {
        sockets.delete(s);
        pair.forEach((p) => p.destroy());
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const dropAll = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    port,
    url: (path, protocol = 'http') => `${protocol}://127.0.0.1:${port}${path}`,
    cut() {
      offline = true;
      dropAll();
    },
    restore() {
      offline = false;
    },
    retarget(next) {
      target = next;
    },
    get open() {
      return sockets.size / 2;
    },
    close() {
      dropAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
