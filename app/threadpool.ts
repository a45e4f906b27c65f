// Imported first by the CLI, before anything uses libuv's thread pool. Each encoder writes its frames on
// a pool thread that waits on ffmpeg: the default four would be taken by a stream and a recording at
// their slowest, leaving little for files, previews and DNS.
process.env.UV_THREADPOOL_SIZE ??= '16';
