%% The BEAM side of ember-bench-agent: what an Erlang tool pays for the same
%% answers on a node of the same size, gathered the way observer, etop and
%% recon gather them (process_info of every process, on the node itself).
%% Run by scripts/bench as
%%   erl +S N +P 4000000 -noshell -pa DIR -eval 'agent_bench:main(top)' -s init stop
%% Prints one line of JSON, with the same figure names as ember-bench-agent.
%%
%% Erlang's figures are taken inside the node (no TCP, no term_to_binary),
%% which flatters them: Observer adds distribution on top.
-module(agent_bench).
-export([main/1]).

-define(TOP_REQUESTS, 5).     % each takes seconds: fewer than Ember's 20
-define(RING_SIZE, 10000).
-define(LAP_MS, 2000).

main(Workload) ->
    Schedulers = erlang:system_info(schedulers_online),
    Figures = run(Workload),
    Fields = [io_lib:format(",\"~s\":~p", [K, V]) || {K, V} <- Figures],
    io:format("{\"workload\":\"agent_~s\",\"schedulers\":~p~s}~n", [Workload, Schedulers, Fields]).

now_s() -> erlang:monotonic_time(nanosecond) / 1.0e9.

%% ---- top: 1M processes, 10k of them given work; the top 20 by reductions
%% as recon:proc_count(reductions, 20) finds it, with the columns of
%% Observer's process tab for each row.
run(top) ->
    Pids = populate(1000000),
    Times = [begin T0 = now_s(), 20 = length(top_n(20)), (now_s() - T0) * 1000 end
             || _ <- lists:seq(1, ?TOP_REQUESTS)],
    [{top20_median_ms, quantile(Times, 0.5)}, {top20_p99_ms, quantile(Times, 0.99)},
     {processes, length(Pids)}, {requests, ?TOP_REQUESTS}];
%% ---- ring: 10k processes pass a token in 2 s laps, alone and beside a
%% poller that gathers every second what Ember's {subscribe, all, 1000}
%% pushes (see poll_all/0); 5 pairs in alternating order, medians.
%% watch_cpu_pct: the poller's time over the lap, in % of one core (it runs
%% on the ring's scheduler, so it is time the ring did not get).
run(ring) ->
    Self = self(),
    Hops = counters:new(1, []),
    Stop = atomics:new(1, []),
    Pids = [spawn(fun() -> ring_start(Self, Hops, Stop, I =:= 1) end) || I <- lists:seq(1, ?RING_SIZE)],
    [P ! {next, N} || {P, N} <- lists:zip(Pids, tl(Pids) ++ [hd(Pids)])],
    Pairs = [begin
                 Order = case Pair rem 2 of 0 -> [false, true]; 1 -> [true, false] end,
                 Laps = [{W, lap(hd(Pids), Hops, Stop, W)} || W <- Order],
                 {proplists:get_value(false, Laps), proplists:get_value(true, Laps)}
             end || Pair <- lists:seq(0, 4)],
    [{hops_per_s, quantile([A || {{A, _}, _} <- Pairs], 0.5)},
     {subscribed_hops_per_s, quantile([W || {_, {W, _}} <- Pairs], 0.5)},
     {slowdown_pct, quantile([(1 - W / A) * 100 || {{A, _}, {W, _}} <- Pairs], 0.5)},
     {watch_cpu_pct, quantile([(Cw - Ca) * 100 || {{_, Ca}, {_, Cw}} <- Pairs], 0.5)}];
%% ---- memory: 1M processes; resident memory before, and its peak while 4
%% pollers each gather every second what 4 Observers with the process tab
%% open make the node gather (observer_backend builds the rows of every
%% process, then sends them away), plus poll_all/0. At least 5 s and until
%% each poller has polled once (the four run at once from the start, so
%% their first round is the peak).
run(memory) ->
    Pids = populate(1000000),
    garbage_collect(),
    timer:sleep(200),
    Rss0 = rss(),
    Self = self(),
    Pollers = [spawn(fun() -> poller(Self) end) || _ <- lists:seq(1, 4)],
    Peak = watch_peak(Rss0, now_s() + 5.0, maps:from_list([{P, 0} || P <- Pollers])),
    [exit(P, kill) || P <- Pollers],
    [{watch_rss_mib, (Peak - Rss0) / 1048576}, {node_rss_mib, Rss0 / 1048576}, {processes, length(Pids)}].

%% ---- the node -------------------------------------------------------------

%% N processes waiting for messages; every 100th gets 1 to 100 of them (as
%% ember-bench-agent does), so their reductions differ.
populate(N) ->
    Handled = counters:new(1, [write_concurrency]),
    Pids = [spawn(fun() -> worker(Handled) end) || _ <- lists:seq(1, N)],
    Sent = send_work(Pids, 0, 0),
    wait_counter(Handled, Sent),
    Pids.

worker(Handled) -> receive _ -> counters:add(Handled, 1, 1), worker(Handled) end.

send_work([], _, Sent) -> Sent;
send_work([P | Rest], I, Sent) when I rem 100 =:= 0 ->
    K = 1 + (I div 100) rem 100,
    [P ! ok || _ <- lists:seq(1, K)],
    send_work(Rest, I + 1, Sent + K);
send_work([_ | Rest], I, Sent) -> send_work(Rest, I + 1, Sent).

wait_counter(C, N) ->
    case counters:get(C, 1) < N of
        true -> timer:sleep(1), wait_counter(C, N);
        false -> ok
    end.

%% ---- what a tool gathers --------------------------------------------------

-define(ROW, [registered_name, initial_call, memory, reductions, message_queue_len, current_function]).

%% The N largest by reductions, kept in a bounded ascending list (as recon's
%% bounded heap: no sort of a million rows).
top_n(N) ->
    lists:reverse(lists:foldl(fun(P, Top) ->
        case erlang:process_info(P, ?ROW) of
            undefined -> Top;
            Info -> keep({proplists:get_value(reductions, Info), P, Info}, Top, N)
        end
    end, [], erlang:processes())).

keep(Row, Top, N) when length(Top) < N -> lists:sort([Row | Top]);
keep(Row, [Least | Rest], _) when Row > Least -> lists:sort([Row | Rest]);
keep(_, Top, _) -> Top.

%% What {subscribe, all, 1000} answers, from Erlang's own sources: memory,
%% process count and limit, uptime, scheduler utilisation and run queues,
%% and the message queue of every process (the input of Ember's warnings).
poll_all() ->
    _ = erlang:memory(),
    _ = erlang:system_info(process_count),
    _ = erlang:system_info(process_limit),
    _ = erlang:statistics(wall_clock),
    _ = erlang:statistics(scheduler_wall_time),
    _ = erlang:statistics(run_queue_lengths),
    _ = [erlang:process_info(P, message_queue_len) || P <- erlang:processes()],
    ok.

%% ---- ring ----------------------------------------------------------------

ring_start(Report, Hops, Stop, Counts) -> receive {next, Next} -> ring_loop(Report, Next, Hops, Stop, Counts) end.

%% The first member counts a round of the token and, once told to stop,
%% keeps it and says so.
ring_loop(Report, Next, Hops, Stop, true) ->
    receive token ->
        counters:add(Hops, 1, ?RING_SIZE),
        case atomics:get(Stop, 1) of
            0 -> Next ! token;
            _ -> Report ! stopped
        end
    end,
    ring_loop(Report, Next, Hops, Stop, true);
ring_loop(Report, Next, Hops, Stop, false) ->
    receive token -> Next ! token end,
    ring_loop(Report, Next, Hops, Stop, false).

%% {hops a second, the poller's share of the lap's time}
lap(First, Hops, Stop, Watched) ->
    erlang:system_flag(scheduler_wall_time, Watched),
    PollNs = counters:new(1, []),
    Poller = case Watched of
        true -> spawn(fun() -> poll_loop(PollNs) end);
        false -> none
    end,
    atomics:put(Stop, 1, 0),
    First ! token,
    timer:sleep(200),
    H0 = counters:get(Hops, 1),
    P0 = counters:get(PollNs, 1),
    T0 = now_s(),
    timer:sleep(?LAP_MS),
    H1 = counters:get(Hops, 1),
    P1 = counters:get(PollNs, 1),
    Elapsed = now_s() - T0,
    atomics:put(Stop, 1, 1),
    receive stopped -> ok end,
    Poller =/= none andalso exit(Poller, kill),
    {(H1 - H0) / Elapsed, (P1 - P0) / 1.0e9 / Elapsed}.

poll_loop(PollNs) ->
    T0 = erlang:monotonic_time(nanosecond),
    poll_all(),
    counters:add(PollNs, 1, erlang:monotonic_time(nanosecond) - T0),
    timer:sleep(1000),
    poll_loop(PollNs).

%% ---- memory --------------------------------------------------------------

poller(Report) ->
    erlang:system_flag(scheduler_wall_time, true),
    poller_loop(Report).

poller_loop(Report) ->
    poll_all(),
    Rows = [erlang:process_info(P, ?ROW) || P <- erlang:processes()],
    Report ! {polled, self(), length(Rows)},
    timer:sleep(1000),
    poller_loop(Report).

%% Samples resident memory every 100 ms until Deadline and every poller
%% polled once (at most 60 s more); the peak.
watch_peak(Peak, Deadline, Polls) ->
    Done = now_s() >= Deadline andalso lists:all(fun(N) -> N >= 1 end, maps:values(Polls)),
    case Done orelse now_s() > Deadline + 60 of
        true -> max(Peak, rss());
        false ->
            receive
                {polled, P, _} -> watch_peak(max(Peak, rss()), Deadline, maps:update_with(P, fun(N) -> N + 1 end, Polls))
            after 100 -> watch_peak(max(Peak, rss()), Deadline, Polls)
            end
    end.

rss() ->
    {ok, Statm} = file:read_file("/proc/self/statm"),
    [_, Resident | _] = string:lexemes(binary_to_list(Statm), " "),
    list_to_integer(Resident) * 4096.

%% ---- figures -------------------------------------------------------------

%% The element at Q*(N-1) after sorting, as ember::bench::quantile.
quantile(L, Q) -> lists:nth(1 + trunc(Q * (length(L) - 1)), lists:sort(L)).
