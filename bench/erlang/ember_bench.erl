%% The BEAM side of ember-bench: the same workloads, the same JSON figures.
%% Run by scripts/bench as
%%   erl +S N -noshell +P 2000000 -pa DIR -eval 'ember_bench:main(spawn)' -s init stop
-module(ember_bench).
-behaviour(gen_server).
-export([main/1]).
-export([init/1, handle_call/3, handle_cast/2]).

main(Workload) ->
    Schedulers = erlang:system_info(schedulers_online),
    Figures = run(Workload),
    Fields = [io_lib:format(",\"~s\":~p", [K, V]) || {K, V} <- Figures],
    io:format("{\"workload\":\"~s\",\"schedulers\":~p~s}~n", [Workload, Schedulers, Fields]).

seconds(T0) -> erlang:monotonic_time(nanosecond) / 1.0e9 - T0.
now_s() -> erlang:monotonic_time(nanosecond) / 1.0e9.

%% ---- spawn: 1M processes that wait; rate and bytes each; then again (warm)
run(spawn) ->
    {Cold, Bytes} = spawn_once(1000000),
    {Warm, _} = spawn_once(1000000),
    [{spawn_per_s, Cold}, {spawn_warm_per_s, Warm}, {bytes_per_process, Bytes}];
%% ---- pingpong: 1M round trips
run(pingpong) ->
    Rounds = 1000000,
    Pong = spawn(fun pong/0),
    Self = self(),
    T0 = now_s(),
    spawn(fun() -> ping(Pong, Rounds), Self ! done end),
    receive done -> ok end,
    [{ns_per_roundtrip, seconds(T0) * 1.0e9 / Rounds}];
%% ---- call: 1M gen_server:call round trips (this module is the server)
run(call) ->
    Rounds = 1000000,
    {ok, Server} = gen_server:start(?MODULE, [], []),
    Self = self(),
    T0 = now_s(),
    spawn(fun() -> call_loop(Server, Rounds), Self ! done end),
    receive done -> ok end,
    [{ns_per_call, seconds(T0) * 1.0e9 / Rounds}];
%% ---- busy_call: 100k calls from a process with 500k unrelated messages queued
run(busy_call) ->
    Rounds = 100000, Queued = 500000,
    {ok, Server} = gen_server:start(?MODULE, [], []),
    Self = self(),
    Caller = spawn(fun() ->
        [self() ! undefined || _ <- lists:seq(1, Queued)],
        ok = gen_server:call(Server, ok),
        Self ! queued,
        receive go -> ok end,
        call_loop(Server, Rounds),
        Self ! done
    end),
    receive queued -> ok end,
    T0 = now_s(),
    Caller ! go,
    receive done -> ok end,
    [{ns_per_busy_call, seconds(T0) * 1.0e9 / Rounds}];
%% ---- ring: 10k processes, 1M hops
run(ring) ->
    Size = 10000, Hops = 1000000, Self = self(),
    Pids = [spawn(fun() -> ring_start(Self) end) || _ <- lists:seq(1, Size)],
    Next = tl(Pids) ++ [hd(Pids)],
    [P ! {next, N} || {P, N} <- lists:zip(Pids, Next)],
    T0 = now_s(),
    hd(Pids) ! Hops,
    receive done -> ok end,
    [{hops_per_s, Hops / seconds(T0)}];
%% ---- fanin: 1000 senders x 1000 messages to one receiver
run(fanin) ->
    Senders = 1000, Each = 1000, Self = self(),
    Sink = spawn(fun() -> sink(Senders * Each), Self ! done end),
    T0 = now_s(),
    spawn(fun() -> [spawn(fun() -> send_n(Sink, Each) end) || _ <- lists:seq(1, Senders)] end),
    receive done -> ok end,
    [{msgs_per_s, Senders * Each / seconds(T0)}];
%% ---- idle: CPU seconds of a node with 100k idle processes over 5 s
run(idle) ->
    Pids = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 100000)],
    timer:sleep(100),
    {_, R0} = erlang:statistics(runtime),
    Cpu0 = cpu_s(),
    timer:sleep(5000),
    Used = cpu_s() - Cpu0,
    _ = R0,
    [P ! stop || P <- Pids],
    [{idle_cpu_s, Used}];
%% ---- runaway: a 1 ms ticker's lateness, alone and beside 2 busy loops.
%% BEAM preempts the loops by reductions; that is what Ember is compared to.
run(runaway) -> [{runaways, 2} | ticker_lateness(2)];
run(ticker) -> [{runaways, 0} | ticker_lateness(0)].



ticker_lateness(Runaways) ->
    Spinners = [spawn(fun spin/0) || _ <- lists:seq(1, Runaways)],
    timer:sleep(50),
    Self = self(),
    spawn(fun() -> Self ! {lateness, tick(2000, [])} end),
    L = receive {lateness, Ls} -> lists:sort(Ls) end,
    [exit(P, kill) || P <- Spinners],
    N = length(L),
    [{lateness_p50_us, lists:nth(1 + (N - 1) div 2, L)},
     {lateness_p99_us, lists:nth(1 + trunc(0.99 * (N - 1)), L)},
     {lateness_max_us, lists:last(L)}].

spin() -> spin().

tick(0, Acc) -> Acc;
tick(N, Acc) ->
    T0 = erlang:monotonic_time(nanosecond),
    receive after 1 -> ok end,
    Late = (erlang:monotonic_time(nanosecond) - T0 - 1000000) / 1000.0,
    tick(N - 1, [Late | Acc]).

cpu_s() ->
    %% The OS process's user+system CPU, like getrusage in ember-bench.
    {ok, Stat} = file:read_file("/proc/self/stat"),
    Fields = string:lexemes(binary_to_list(lists:last(binary:split(Stat, <<")">>))), " "),
    Utime = list_to_integer(lists:nth(12, Fields)),
    Stime = list_to_integer(lists:nth(13, Fields)),
    (Utime + Stime) / 100.0.

spawn_once(N) ->
    garbage_collect(),
    Started = counters:new(1, [write_concurrency]),
    Rss0 = rss(),
    T0 = now_s(),
    Pids = [spawn(fun() -> counters:add(Started, 1, 1), receive stop -> ok end end) || _ <- lists:seq(1, N)],
    wait_started(Started, N),
    Elapsed = seconds(T0),
    Rss1 = rss(),
    [P ! stop || P <- Pids],
    wait_gone(length(Pids)),
    %% The list of pids costs 2 words a cell: not a process's memory.
    {N / Elapsed, (Rss1 - Rss0 - N * 16) / N}.

%% Like ember-bench, the figure counts until every process has run.
wait_started(C, N) ->
    case counters:get(C, 1) < N of
        true -> erlang:yield(), wait_started(C, N);
        false -> ok
    end.

wait_gone(_) ->
    case erlang:system_info(process_count) > 50 of
        true -> timer:sleep(1), wait_gone(0);
        false -> ok
    end.

rss() ->
    {ok, Statm} = file:read_file("/proc/self/statm"),
    [_, Resident | _] = string:lexemes(binary_to_list(Statm), " "),
    list_to_integer(Resident) * 4096.

pong() -> receive {ping, From} -> From ! pong, pong(); stop -> ok end.
ping(Pong, 0) -> Pong ! stop;
ping(Pong, N) -> Pong ! {ping, self()}, receive pong -> ping(Pong, N - 1) end.

ring_start(Report) -> receive {next, Next} -> ring_loop(Report, Next) end.
ring_loop(Report, Next) ->
    receive
        0 -> Report ! done, Next ! -1;
        -1 -> Next ! -1;
        Hops -> Next ! Hops - 1, ring_loop(Report, Next)
    end.

sink(0) -> ok;
sink(N) -> receive _ -> sink(N - 1) end.
send_n(_, 0) -> ok;
send_n(To, N) -> To ! ok, send_n(To, N - 1).

call_loop(_, 0) -> ok;
call_loop(Server, N) -> ok = gen_server:call(Server, ok), call_loop(Server, N - 1).

init([]) -> {ok, nostate}.
handle_call(Request, _From, State) -> {reply, Request, State}.
handle_cast(_Message, State) -> {noreply, State}.
