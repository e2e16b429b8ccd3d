/*
 * libFuzzer launcher for the .NET fuzz targets (fuzz/WebSocketKit.Fuzz --libfuzzer <target>).
 *
 * libFuzzer drives this small native program; the code under test runs in a .NET child process
 * that SharpFuzz's Fuzzer.LibFuzzer.Run serves. What the two sides agree on (SharpFuzz 2.x):
 *
 *   - a System V shared memory segment, its id in __LIBFUZZER_SHM_ID: the first 65536 bytes are
 *     the coverage map the instrumented assembly increments (AFL style, map[prev ^ cur]++), the
 *     input of the current run follows at offset 65536;
 *   - two anonymous pipes, each named by the child's file descriptor number:
 *     __LIBFUZZER_CONTROL_PIPE_ID (we write, the child reads) carries one 32-bit little-endian
 *     input length per run; __LIBFUZZER_STATUS_PIPE_ID (the child writes) carries one 32-bit
 *     status: 0 once when the child is ready, then per run 0 (fine) or 2 (an exception escaped,
 *     printed on the child's stderr; the child then exits).
 *
 * The child's map is copied into a libFuzzer extra-counters section after each run, so libFuzzer
 * sees the .NET edges as its own features. An escaped exception or a child that dies (stack
 * overflow, killed) aborts this process, which libFuzzer records as a crash with the input.
 * A hang is libFuzzer's own -timeout: this process exits and the child dies with it
 * (PR_SET_PDEATHSIG).
 *
 * Which .NET program and target (environment, all optional):
 *   WSK_FUZZ_TARGET    the target name; default: this executable's file name (ClusterFuzzLite
 *                      copies one launcher per target into $OUT, named after the target)
 *   WSK_FUZZ_PAYLOAD   the published harness: an executable (self-contained apphost) or a .dll
 *                      run with `dotnet`; default: <this executable's folder>/websocketkit-fuzz/WebSocketKit.Fuzz
 *   DOTNET_GCHeapHardLimit  passed on; default 0x20000000 (512 MiB)
 *
 * Build: clang -fsanitize=fuzzer -O1 fuzz/libfuzzer/launcher.c -o <target>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
  COVERAGE_BYTES = 1 << 16,   /* SharpFuzz's map size */
  INPUT_CAPACITY = 1 << 20,   /* longer inputs are cut (the targets cut at 64 KiB anyway) */
  STATUS_OK = 0,
  STATUS_CRASH = 2,
};

/* libFuzzer reads these counters after every run (and clears them before the next). */
__attribute__((used, section("__libfuzzer_extra_counters")))
static uint8_t dotnet_edges[COVERAGE_BYTES];

static uint8_t *segment;        /* coverage map, then the input */
static int to_child = -1;       /* control pipe, our end */
static int from_child = -1;     /* status pipe, our end */
static pid_t child_pid;

static void fail(const char *what) {
  fprintf(stderr, "launcher: %s: %s\n", what, errno ? strerror(errno) : "failed");
  exit(1);
}

static int write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t k = write(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

static int read_all(int fd, void *buf, size_t n) {
  char *p = buf;
  while (n > 0) {
    ssize_t k = read(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

static void put_le32(uint8_t out[4], uint32_t v) {
  out[0] = (uint8_t)v; out[1] = (uint8_t)(v >> 8); out[2] = (uint8_t)(v >> 16); out[3] = (uint8_t)(v >> 24);
}

static int32_t get_le32(const uint8_t in[4]) {
  return (int32_t)((uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24);
}

/* Says how the child ended, then aborts: libFuzzer saves the current input as a crash. */
static void child_lost(const char *why) {
  int status = 0;
  fprintf(stderr, "launcher: the .NET process %s", why);
  if (child_pid > 0 && waitpid(child_pid, &status, 0) == child_pid) {
    if (WIFSIGNALED(status)) fprintf(stderr, " (killed by signal %d)", WTERMSIG(status));
    else if (WIFEXITED(status)) fprintf(stderr, " (exit code %d)", WEXITSTATUS(status));
  }
  fprintf(stderr, "\n");
  abort();
}

static void start_child(const char *self) {
  static char target_default[NAME_MAX + 1];
  char self_copy[PATH_MAX], payload_default[PATH_MAX];
  snprintf(self_copy, sizeof self_copy, "%s", self);
  const char *target = getenv("WSK_FUZZ_TARGET");
  if (!target || !*target) {
    snprintf(target_default, sizeof target_default, "%s", basename(self_copy));
    target = target_default;
  }
  const char *payload = getenv("WSK_FUZZ_PAYLOAD");
  if (!payload || !*payload) {
    snprintf(self_copy, sizeof self_copy, "%s", self);
    snprintf(payload_default, sizeof payload_default, "%s/websocketkit-fuzz/WebSocketKit.Fuzz", dirname(self_copy));
    payload = payload_default;
  }

  int id = shmget(IPC_PRIVATE, COVERAGE_BYTES + INPUT_CAPACITY, IPC_CREAT | IPC_EXCL | 0600);
  if (id < 0) fail("shmget");
  segment = shmat(id, NULL, 0);
  if (segment == (void *)-1) fail("shmat");

  int control[2], status[2];
  if (pipe(control) != 0 || pipe(status) != 0) fail("pipe");
  /* Our ends stay with us; the child's ends are inherited by number. */
  fcntl(control[1], F_SETFD, FD_CLOEXEC);
  fcntl(status[0], F_SETFD, FD_CLOEXEC);

  pid_t parent = getpid();
  child_pid = fork();
  if (child_pid < 0) fail("fork");
  if (child_pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    char value[32];
    snprintf(value, sizeof value, "%d", id);
    setenv("__LIBFUZZER_SHM_ID", value, 1);
    snprintf(value, sizeof value, "%d", control[0]);
    setenv("__LIBFUZZER_CONTROL_PIPE_ID", value, 1);
    snprintf(value, sizeof value, "%d", status[1]);
    setenv("__LIBFUZZER_STATUS_PIPE_ID", value, 1);
    setenv("DOTNET_CLI_TELEMETRY_OPTOUT", "1", 0);
    /* The GC's heap cap, as under afl (fuzz/run.sh FUZZ_HEAP_LIMIT): libFuzzer's -rss_limit_mb
       measures this process only. 512 MiB unless the caller set one. */
    setenv("DOTNET_GCHeapHardLimit", "0x20000000", 0);
    size_t n = strlen(payload);
    if (n > 4 && strcmp(payload + n - 4, ".dll") == 0)
      execlp("dotnet", "dotnet", payload, "--libfuzzer", target, (char *)NULL);
    else
      execl(payload, payload, "--libfuzzer", target, (char *)NULL);
    fprintf(stderr, "launcher: cannot run %s: %s\n", payload, strerror(errno));
    _exit(127);
  }
  close(control[0]);
  close(status[1]);
  to_child = control[1];
  from_child = status[0];
  /* A closed pipe must come back as an error from write(), not kill us. */
  signal(SIGPIPE, SIG_IGN);

  uint8_t ready[4];
  if (read_all(from_child, ready, 4) != 0) child_lost("did not start (is the payload there?)");
  /* The child has attached: the segment goes away once both of us detach or exit. */
  shmctl(id, IPC_RMID, NULL);
  if (get_le32(ready) != STATUS_OK) child_lost("reported a failure before the first input");
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc; (void)argv;
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) fail("readlink /proc/self/exe");
  self[n] = 0;
  start_child(self);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > INPUT_CAPACITY) size = INPUT_CAPACITY;
  memset(segment, 0, COVERAGE_BYTES);
  if (size) memcpy(segment + COVERAGE_BYTES, data, size);
  uint8_t word[4];
  put_le32(word, (uint32_t)size);
  if (write_all(to_child, word, 4) != 0) child_lost("stopped reading inputs");
  if (read_all(from_child, word, 4) != 0) child_lost("died while running the input");
  memcpy(dotnet_edges, segment, COVERAGE_BYTES);
  if (get_le32(word) != STATUS_OK) {
    fprintf(stderr, "launcher: the target threw (the exception is printed above)\n");
    abort();
  }
  return 0;
}
