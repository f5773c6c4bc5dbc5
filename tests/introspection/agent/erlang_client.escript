#!/usr/bin/env escript
%% A real Erlang client of an Ember agent, as docs/protocol.md's session:
%% gen_tcp with {packet, 4}, term_to_binary and binary_to_term, nothing
%% else. Run by outside_tools_test.cpp:
%%
%%   escript erlang_client.escript PORT TOKEN_FILE
%%
%% Prints each reply with ~p; exits non-zero (a badmatch) when one is not
%% what the protocol says.
-mode(compile).

main([PortText, TokenFile]) ->
    {ok, Token0} = file:read_file(TokenFile),
    Token = string:trim(Token0),
    {ok, S} = gen_tcp:connect({127, 0, 0, 1}, list_to_integer(PortText),
                              [binary, {packet, 4}, {active, false}]),
    Call = fun(T) ->
                   ok = gen_tcp:send(S, term_to_binary(T)),
                   {ok, B} = gen_tcp:recv(S, 0, 5000),
                   binary_to_term(B)
           end,
    {ok, #{access := read_only, version := 1}} = Hello = Call({hello, 1, Token}),
    io:format("~p~n", [Hello]),
    {1, {ok, #{process_count := N}}} = System = Call({1, {system}}),
    true = is_integer(N),
    io:format("~p~n", [System]),
    {2, {error, {needs_admin, _}}} = Kill = Call({2, {kill, self()}}),
    io:format("~p~n", [Kill]),
    {3, {error, {unknown_request, _}}} = Typo = Call({3, {proceses}}),
    io:format("~p~n", [Typo]),
    ok = gen_tcp:close(S);
main(_) ->
    io:format(standard_error, "usage: erlang_client.escript PORT TOKEN_FILE~n", []),
    halt(2).
