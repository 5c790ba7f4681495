/**
 * The fork server's program, run as `perl -e FORK_SERVER_SCRIPT`.
 *
 * Why perl: it is on every Debian/Ubuntu host (perl-base is essential) and
 * most others, starts in ~20 ms, and exposes fork/setsid/exec directly.
 * fork(2) of this small process costs a fraction of forking the engine
 * (node's `spawn` copies the engine's whole page table on every step).
 * Where perl is missing the engine falls back to node's `spawn`.
 *
 * Protocol. Requests are served in order, one step running at a time:
 *   engine → server  "<byte length>\n" then the fields joined by NUL:
 *                    cwd, log file, banner, condition, argc, argv…,
 *                    environment "NAME=value"…
 *   server → engine  "ready\n"                         once, when started
 *                    "pid <pid> <offset>\n"             the step has exec'd; its
 *                                                       output starts at offset
 *                    "fail <stage> <errno>\n"           it could not (stage: chdir,
 *                                                       open, pipe, fork, setsid,
 *                                                       dup2, exec)
 *                    "exit <pid> <wait status> <size>\n" the step's process ended;
 *                                                       the log's size then
 *                    "drop\n"                           not started: see condition
 *
 * The banner (when not empty) is appended to the log with the time, just
 * before the step starts. A condition ("any", or exit code ranges
 * "low:high,…") makes the step start only if the previous one exited with
 * such a code. That lets the engine send the next step while one still
 * runs: it starts the moment the last one exits, without waiting for a
 * round trip through the engine (~0.6 ms a step).
 *
 * The child reports a failed exec through a close-on-exec pipe, the way
 * libuv does: EOF on the pipe means the exec happened.
 *
 * The server is its own session, so a Ctrl-C or hang-up meant for the
 * engine's terminal never reaches it (the engine decides what a cancellation
 * means), and it changes no signal disposition a step would inherit. It
 * exits when its stdin closes, that is when the engine is gone.
 *
 * Everything that allocates (the environment, the log file, the working
 * directory) is done in the server before fork(2): memory the child touches
 * between fork and exec is copied page by page, and that showed as ~0.3 ms
 * per step. The child only calls setsid, dup2 and exec.
 */
export const FORK_SERVER_SCRIPT = String.raw`
use strict;
use POSIX ();
$0 = 'deploy-hooks: fork server';
# Its own session: a Ctrl-C or hang-up meant for the engine's terminal never reaches it.
POSIX::setsid();
open(my $null, '<', '/dev/null') or die "cannot open /dev/null: $!\n";
binmode STDIN;
binmode STDOUT;
$| = 1;
print "ready\n";

sub read_exactly {
  my ($length) = @_;
  my $data = '';
  while (length($data) < $length) {
    my $got = read(STDIN, $data, $length - length($data), length($data));
    exit 0 unless $got;
  }
  return $data;
}

# The wait status of the step that ran last; undef when the last request
# started nothing.
my $last;
while (defined(my $header = <STDIN>)) {
  exit 2 unless $header =~ /^(\d+)\n\z/;
  my ($cwd, $log, $banner, $condition, $argc, @rest) = split /\0/, read_exactly($1), -1;
  my @argv = splice(@rest, 0, $argc);
  my $previous = $last;
  $last = undef;
  if ($condition ne '' && !succeeded($previous, $condition)) {
    print "drop\n";
    next;
  }
  set_environment(@rest);
  my ($pid, $offset) = start($cwd, $log, $banner, @argv);
  # Hold no step's directory: a later hook may want to unmount or remove it.
  chdir '/';
  next unless $pid;
  print "pid $pid $offset\n";
  waitpid($pid, 0);
  $last = $?;
  my $size = -s $log;
  print "exit $pid $last ", (defined $size ? $size : 0), "\n";
}

# Whether a wait status is a normal exit with one of the codes.
sub succeeded {
  my ($status, $codes) = @_;
  return 0 unless defined $status && ($status & 127) == 0;
  return 1 if $codes eq 'any';
  my $code = $status >> 8;
  for my $range (split /,/, $codes) {
    my ($low, $high) = split /:/, $range;
    return 1 if $code >= $low && $code <= $high;
  }
  return 0;
}

# %ENV becomes exactly the pairs given, changing only what differs from the
# last step (usually a variable or two).
sub set_environment {
  my %env;
  for my $pair (@_) {
    my ($name, $value) = split /=/, $pair, 2;
    $env{$name} = defined $value ? $value : '';
  }
  for my $name (keys %ENV) { delete $ENV{$name} unless exists $env{$name}; }
  while (my ($name, $value) = each %env) {
    $ENV{$name} = $value unless defined $ENV{$name} && $ENV{$name} eq $value;
  }
}

# Forks and execs the step; its pid (once the exec happened) and where its
# output starts in the log, or nothing after printing why it could not run.
sub start {
  my ($cwd, $log, $banner, @argv) = @_;
  chdir $cwd or return refuse('chdir');
  open(my $out, '>>', $log) or return refuse('open');
  if ($banner ne '') {
    my $time = POSIX::strftime('%Y-%m-%dT%H:%M:%SZ', gmtime);
    defined(syswrite $out, "$banner ($time)\n") or return refuse('open');
  }
  my $offset = -s $out;
  pipe(my $report_r, my $report_w) or return refuse('pipe');
  my $pid = fork();
  defined $pid or return refuse('fork');
  if ($pid == 0) {
    defined(POSIX::setsid()) or fail($report_w, 'setsid');
    defined(POSIX::dup2(fileno($null), 0)) or fail($report_w, 'dup2');
    defined(POSIX::dup2(fileno($out), 1)) or fail($report_w, 'dup2');
    defined(POSIX::dup2(fileno($out), 2)) or fail($report_w, 'dup2');
    { no warnings; exec { $argv[0] } @argv; }
    fail($report_w, 'exec');
  }
  close $out;
  close $report_w;
  my $report = '';
  1 while sysread($report_r, $report, 64, length $report);
  close $report_r;
  return ($pid, $offset) if $report eq '';
  waitpid($pid, 0);
  print "fail $report\n";
  return;
}

sub refuse {
  print "fail $_[0] ", $! + 0, "\n";
  return;
}

sub fail {
  my ($pipe, $stage) = @_;
  my $errno = $! + 0;
  syswrite $pipe, "$stage $errno";
  POSIX::_exit(127);
}
`;
