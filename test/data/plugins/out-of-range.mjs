export default { name: 'TooHigh', score: () => 150 };
