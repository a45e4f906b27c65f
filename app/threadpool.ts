// Imported first by the CLI, before anything uses libuv's thread pool. Each encoder writes and each video
// source reads its frames on a pool thread that waits on ffmpeg: the default four would be taken by two
// of each, leaving none for files, previews and DNS.
process.env.UV_THREADPOOL_SIZE ??= '16';
